package dev.posm.autoconfigure.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

import dev.posm.autoconfigure.PosmProperties;

/**
 * What a native image of an application on posm needs beyond what Spring AOT finds by
 * itself: the classes and methods posm looks up by name, and the binding of the
 * {@code posm.*} properties, which posm also binds itself, outside the
 * {@code @ConfigurationProperties} bean.
 *
 * @author posm
 */
class PosmRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The class whose presence tells whether {@code type: netty} can be used.
	 */
	static final String NETTY_ALLOCATOR = "io.netty.buffer.PooledByteBufAllocator";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// Allocators.isAvailable: Class.forName, which finds in a native image only registered types
		hints.reflection().registerType(TypeReference.of(NETTY_ALLOCATOR));
		// found through a method handle on Java 21+ (the recycling allocator tells virtual threads apart)
		hints.reflection()
			.registerType(Thread.class, (type) -> type.withMethod("isVirtual", List.of(), ExecutableMode.INVOKE));
		// bound with a Binder by the allocator registrar and the @AsyncAgent post-processor
		BindableRuntimeHintsRegistrar.forTypes(PosmProperties.class).registerHints(hints, classLoader);
	}

}
