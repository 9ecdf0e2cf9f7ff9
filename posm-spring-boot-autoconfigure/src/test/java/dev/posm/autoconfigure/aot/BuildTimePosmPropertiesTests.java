package dev.posm.autoconfigure.aot;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link BuildTimePosmProperties} and the analysis of
 * {@link PosmPropertyFixedAtBuildTimeException}.
 *
 * @author posm
 */
class BuildTimePosmPropertiesTests {

	@Test
	void readsTheSwitchesAndTheAllocatorNamesOnly() {
		MockEnvironment environment = new MockEnvironment().withProperty("posm.allocators.b.type", "pooled")
			.withProperty("posm.allocators.a.max-retained", "not a size, read when the bean is created")
			.withProperty("posm.allocators.default.type", "pooled")
			.withProperty("posm.observations.enabled", "true");
		assertThat(BuildTimePosmProperties.of(environment))
			.isEqualTo(new BuildTimePosmProperties(true, true, List.of("a", "b")));
		assertThat(BuildTimePosmProperties.of(new MockEnvironment()))
			.isEqualTo(new BuildTimePosmProperties(true, false, List.of()));
	}

	@Test
	void everyOtherValueMayChange() {
		BuildTimePosmProperties built = new BuildTimePosmProperties(true, false, List.of("big-io"));
		MockEnvironment runTime = new MockEnvironment().withProperty("posm.allocators.big-io.type", "slab")
			.withProperty("posm.allocators.big-io.max-retained", "1MB")
			.withProperty("posm.default-allocator", "big-io")
			.withProperty("posm.leak-detection", "paranoid")
			.withProperty("posm.agents.relay.allocator", "default");
		assertThatNoException().isThrownBy(() -> built.check(runTime));
	}

	@Test
	void anAllocatorAddedAtRunTimeIsNamed() {
		BuildTimePosmProperties built = new BuildTimePosmProperties(true, false, List.of("big-io"));
		MockEnvironment runTime = new MockEnvironment().withProperty("posm.allocators.big-io.type", "pooled")
			.withProperty("posm.allocators.small-io.type", "pooled");
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class).isThrownBy(() -> built.check(runTime))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("posm.allocators.small-io");
				assertThat(ex.getRunTimeValue()).isEqualTo("set");
				assertThat(ex.getBuildTimeValue()).contains("not set").contains("[big-io]");
			})
			.withMessageContaining("'posm.allocators.small-io' was fixed at build time");
	}

	@Test
	void anAllocatorMissingAtRunTimeIsNamed() {
		BuildTimePosmProperties built = new BuildTimePosmProperties(true, false, List.of("big-io", "small-io"));
		MockEnvironment runTime = new MockEnvironment().withProperty("posm.allocators.big-io.type", "pooled");
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class).isThrownBy(() -> built.check(runTime))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("posm.allocators.small-io");
				assertThat(ex.getRunTimeValue()).isEqualTo("not set");
			});
	}

	@Test
	void enablingAtRunTimeWhatWasDisabledAtBuildTimeIsNamed() {
		BuildTimePosmProperties built = new BuildTimePosmProperties(false, false, List.of());
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> built.check(new MockEnvironment()))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("posm.enabled");
				assertThat(ex.getRunTimeValue()).isEqualTo("true");
				assertThat(ex.getBuildTimeValue()).isEqualTo("false");
			});
		// disabled both times: nothing else matters, no posm bean exists
		assertThatNoException().isThrownBy(() -> built.check(new MockEnvironment()
			.withProperty("posm.enabled", "false")
			.withProperty("posm.allocators.x.type", "pooled")));
	}

	@Test
	void observationsSwitchedIsNamed() {
		BuildTimePosmProperties built = new BuildTimePosmProperties(true, true, List.of());
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> built.check(new MockEnvironment()))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("posm.observations.enabled"));
	}

	@Test
	void reactorNettySwitchesAreReadAndNamed() {
		MockEnvironment environment = new MockEnvironment().withProperty("posm.netty.server.enabled", "false");
		BuildTimePosmProperties built = BuildTimePosmProperties.of(environment);
		assertThat(built).isEqualTo(new BuildTimePosmProperties(true, false, List.of(), false, true));
		assertThatNoException().isThrownBy(() -> built.check(environment));
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> built.check(new MockEnvironment()))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("posm.netty.server.enabled");
				assertThat(ex.getRunTimeValue()).isEqualTo("true");
				assertThat(ex.getBuildTimeValue()).isEqualTo("false");
			});
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> new BuildTimePosmProperties(true, false, List.of())
				.check(new MockEnvironment().withProperty("posm.netty.client.enabled", "false")))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("posm.netty.client.enabled"));
	}

	@Test
	void failureAnalysisNamesThePropertyBothValuesAndTheWaysOut() {
		PosmPropertyFixedAtBuildTimeException ex = new PosmPropertyFixedAtBuildTimeException("posm.enabled", "false",
				"true", "it decides whether posm's beans exist");
		FailureAnalysis analysis = new PosmPropertyFixedAtBuildTimeFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", ex));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Property 'posm.enabled' was fixed at build time")
			.contains("At run time: false")
			.contains("At build time (AOT processing): true")
			.contains("Reason: it decides whether posm's beans exist");
		assertThat(analysis.getAction()).contains("'posm.enabled'")
			.contains("process it again")
			.contains("without -Dspring.aot.enabled=true");
	}

}
