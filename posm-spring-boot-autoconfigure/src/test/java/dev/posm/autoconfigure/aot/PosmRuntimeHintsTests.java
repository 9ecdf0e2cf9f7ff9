package dev.posm.autoconfigure.aot;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.context.annotation.ImportRuntimeHints;

import dev.posm.autoconfigure.PosmProperties;
import dev.posm.autoconfigure.actuate.PosmEndpoint;
import dev.posm.autoconfigure.actuate.PosmEndpointAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PosmRuntimeHints} and {@link PosmEndpointRuntimeHints}.
 *
 * @author posm
 */
class PosmRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void posmHintsAreRegisteredForEveryApplication() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.anySatisfy((registrar) -> assertThat(registrar).isInstanceOf(PosmRuntimeHints.class));
	}

	@Test
	void nettyIsLookedUpByName() {
		new PosmRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(PosmRuntimeHints.NETTY_ALLOCATOR)))
			.accepts(this.hints);
	}

	@Test
	void threadIsVirtualIsInvokable() {
		new PosmRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(Thread.class)).accepts(this.hints);
		assertThat(this.hints.reflection().getTypeHint(Thread.class).methods())
			.anySatisfy((method) -> assertThat(method.getName()).isEqualTo("isVirtual"));
	}

	@Test
	void propertiesCanBeBound() throws NoSuchMethodException {
		new PosmRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(PosmProperties.class.getMethod("setLeakDetection", dev.posm.LeakDetection.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(PosmProperties.Allocator.class.getMethod("setMaxRetained",
					org.springframework.util.unit.DataSize.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(PosmProperties.Agent.class.getMethod("setAllocator", String.class)))
			.accepts(this.hints);
	}

	@Test
	void endpointHintsComeWithItsAutoConfiguration() {
		ImportRuntimeHints imported = PosmEndpointAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class);
		assertThat(imported).isNotNull();
		assertThat(imported.value()).contains(PosmEndpointRuntimeHints.class);
	}

	@Test
	void endpointOperationsAreInvokable() {
		new PosmEndpointRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(PosmEndpoint.class, "posm"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(PosmEndpoint.class, "allocatorOrAgent"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(PosmEndpoint.class, "trim"))
			.accepts(this.hints);
	}

	@Test
	void descriptorsCanBeWrittenAsJson() {
		new PosmEndpointRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		// the real types behind the OperationResponseBody of the selector operations
		for (Class<?> descriptor : new Class<?>[] { PosmEndpoint.AllocatorDescriptor.class,
				PosmEndpoint.AgentDescriptor.class, PosmEndpoint.PosmDescriptor.class, PosmEndpoint.TrimDescriptor.class,
				PosmEndpoint.TrimmedAllocator.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(descriptor)).as(descriptor.getSimpleName())
				.accepts(this.hints);
			assertThat(this.hints.reflection().getTypeHint(descriptor).methods()).as(descriptor.getSimpleName())
				.isNotEmpty();
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(PosmEndpoint.AllocatorDescriptor.class,
				"retainedBytes")).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(PosmEndpoint.class)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(this.hints);
	}

}
