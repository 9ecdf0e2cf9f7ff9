package dev.posm.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.posm.PosmAllocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that a key under {@code posm.*} that posm does not know stops start-up with a
 * message that names it, where it was written, and the nearest key posm knows.
 *
 * @author posm
 */
@ExtendWith(OutputCaptureExtension.class)
class PosmUnknownPropertyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, PosmDisabledAutoConfiguration.class));

	@Test
	void typoUnderAnAllocatorStopsStartUp() {
		this.runner.withPropertyValues("posm.allocators.big-io.type=pooled", "posm.allocators.big-io.max-retaind=512KB")
			.run((context) -> {
				UnknownPosmPropertyException failure = unknown(context.getStartupFailure());
				assertThat(failure.getKeys()).singleElement().satisfies((key) -> {
					assertThat(key.name()).isEqualTo("posm.allocators.big-io.max-retaind");
					assertThat(key.nearest()).isEqualTo("posm.allocators.big-io.max-retained");
				});
			});
	}

	@Test
	void singularOfAMapStopsStartUp() {
		this.runner.withPropertyValues("posm.agent.relay.allocator=default").run((context) -> {
			UnknownPosmPropertyException failure = unknown(context.getStartupFailure());
			assertThat(failure.getKeys()).singleElement().satisfies((key) -> {
				assertThat(key.name()).isEqualTo("posm.agent.relay.allocator");
				assertThat(key.nearest()).isEqualTo("posm.agents.relay.allocator");
			});
		});
	}

	@Test
	void typoOfATopLevelKeyStopsStartUp() {
		this.runner.withPropertyValues("posm.observation.enabled=true", "posm.leak-detecton=paranoid")
			.run((context) -> {
				UnknownPosmPropertyException failure = unknown(context.getStartupFailure());
				assertThat(failure.getKeys()).extracting(UnknownPosmPropertyException.UnknownKey::nearest)
					.containsExactlyInAnyOrder("posm.observations.enabled", "posm.leak-detection");
			});
	}

	@Test
	void typoUnderNettyStopsStartUp() {
		this.runner.withPropertyValues("posm.netty.server.agnet=web", "posm.netty.clients.enabled=false")
			.run((context) -> {
				UnknownPosmPropertyException failure = unknown(context.getStartupFailure());
				assertThat(failure.getKeys()).extracting(UnknownPosmPropertyException.UnknownKey::nearest)
					.containsExactlyInAnyOrder("posm.netty.server.agent", "posm.netty.client.enabled");
			});
	}

	@Test
	void typosAreFoundWhenPosmIsDisabledToo() {
		this.runner.withPropertyValues("posm.enabled=false", "posm.agents.relay.cache-block=4").run((context) -> {
			UnknownPosmPropertyException failure = unknown(context.getStartupFailure());
			assertThat(failure.getKeys()).singleElement()
				.satisfies((key) -> assertThat(key.nearest()).isEqualTo("posm.agents.relay.cache-blocks"));
		});
	}

	@Test
	void everyKnownKeyStarts() {
		this.runner
			.withPropertyValues("posm.enabled=true", "posm.default-allocator=big-io", "posm.leak-detection=paranoid",
					"posm.observations.enabled=false", "posm.allocators.big-io.type=pooled",
					"posm.allocators.big-io.direct=false", "posm.allocators.big-io.max-block-size=64KB",
					"posm.allocators.big-io.max-retained=8MB", "posm.allocators.big-io.thread-cache-blocks=1",
					"posm.allocators.big-io.slab-size=1MB", "posm.agents.relay.allocator=big-io",
					"posm.agents.relay.cache-blocks=1", "posm.agents.relay.max-bytes-in-use=256KB",
					"posm.agents.relay.max-total-bytes-in-use=512MB", "posm.agents.relay.maxBytesInUse=256KB",
					"posm.netty.server.enabled=true", "posm.netty.server.agent=web", "posm.netty.client.enabled=false",
					"posm.netty.client.agent=outbound")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("big-io"));
	}

	@Test
	void environmentVariablesAreNotCheckedForKeys() {
		// what Kubernetes puts into every pod of a namespace with a service called posm
		Map<String, Object> kubernetes = Map.of("POSM_SERVICE_HOST", "10.0.0.7", "POSM_PORT", "tcp://10.0.0.7:80",
				"POSM_ALLOCATORS_BIGIO_MAXRETAINED", "8MB");
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addLast(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, kubernetes)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// the environment still sets known keys
				assertThat(context.getBean("bigio", PosmAllocator.class).stats()).isNotNull();
			});
	}

	@Test
	void realStartUpNamesEveryUnknownKeyWithWhereItWasWritten(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.location=classpath:posm-invalid/typos.yml");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("posm does not know these properties:")
			.contains("'posm.agent.relay.allocator' (originating from "
					+ "'class path resource [posm-invalid/typos.yml] - 8:18')")
			.contains("the nearest property posm knows is 'posm.agents.relay.allocator'")
			.contains("'posm.allocators.big-io.max-retaind' (originating from "
					+ "'class path resource [posm-invalid/typos.yml] - 5:20')")
			.contains("the nearest property posm knows is 'posm.allocators.big-io.max-retained'");
	}

	@Test
	void analysisNamesTheNearestKey() {
		this.runner.withPropertyValues("posm.allocators.big-io.max-retaind=512KB").run((context) -> {
			FailureAnalysis analysis = new InvalidPosmPropertyFailureAnalyzer(null)
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'posm.allocators.big-io.max-retaind'")
				.contains("the nearest property posm knows is 'posm.allocators.big-io.max-retained'");
			assertThat(analysis.getAction()).contains("Correct the name");
		});
	}

	private static UnknownPosmPropertyException unknown(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof UnknownPosmPropertyException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("cause of %s", failure).isInstanceOf(UnknownPosmPropertyException.class);
		return (UnknownPosmPropertyException) cause;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
