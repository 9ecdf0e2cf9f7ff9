package dev.posm.autoconfigure.aot;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

import dev.posm.autoconfigure.actuate.PosmEndpoint;

/**
 * What a native image needs to serve the {@code posm} endpoint: its operations are found
 * by Spring AOT, but two of them return an {@code OperationResponseBody} whose real type
 * (an allocator or an agent) only shows at run time, and JSON writes every descriptor by
 * reflection.
 *
 * @author posm
 */
public class PosmEndpointRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		// the operations, invoked by reflection
		hints.reflection().registerType(PosmEndpoint.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		this.bindingRegistrar.registerReflectionHints(hints.reflection(), PosmEndpoint.PosmDescriptor.class,
				PosmEndpoint.AllocatorDescriptor.class, PosmEndpoint.AgentDescriptor.class,
				PosmEndpoint.TrimDescriptor.class, PosmEndpoint.TrimmedAllocator.class);
	}

}
