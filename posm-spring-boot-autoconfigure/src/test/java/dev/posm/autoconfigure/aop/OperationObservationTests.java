package dev.posm.autoconfigure.aop;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.posm.Agents;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for the {@code posm.operation} observation of {@code @AsyncAgent} operations.
 *
 * @author posm
 */
class OperationObservationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
		.withUserConfiguration(ObservedConfiguration.class);

	@Test
	void offByDefault() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(OperationListener.class);
			Uploads uploads = context.getBean(Uploads.class);
			uploads.proceed();
			uploads.upload(false).get(5, TimeUnit.SECONDS);
			assertThat(context.getBean(RecordingHandler.class).stopped).isEmpty();
		});
	}

	@Test
	void eachOperationIsObservedUntilItCompletesWithItsAgentAndOutcome() {
		this.runner.withPropertyValues("posm.observations.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(ObservingOperationListener.class);
			Uploads uploads = context.getBean(Uploads.class);
			RecordingHandler handler = context.getBean(RecordingHandler.class);
			CompletableFuture<String> upload = uploads.upload(false);
			// started and in scope while the method ran; not stopped until the result completes
			assertThat(uploads.observedInside()).isNotNull();
			assertThat(uploads.observedInside().getName()).isEqualTo("posm.operation");
			assertThat(handler.stopped).isEmpty();
			uploads.proceed();
			assertThat(upload.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(uploads.failingUpload()).failsWithin(5, TimeUnit.SECONDS);
			assertThat(handler.stopped).hasSize(2);
			assertThat(handler.stopped.get(0).getLowCardinalityKeyValues()).contains(KeyValue.of("agent", "uploads"),
					KeyValue.of("outcome", "success"));
			assertThat(handler.stopped.get(1).getLowCardinalityKeyValues()).contains(KeyValue.of("agent", "uploads"),
					KeyValue.of("outcome", "error"));
			assertThat(context.getBean(Agents.class).find("uploads").get().stats().bytesInUse()).isZero();
		});
	}

	@Test
	void withoutMicrometerObservationThereIsNoListenerAndNoFailure() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
			.withPropertyValues("posm.observations.enabled=true")
			.withClassLoader(new FilteredClassLoader("io.micrometer.observation", "io.micrometer.context"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(OperationListener.class);
			});
	}

	@Test
	void userListenerIsUsed() {
		List<String> begun = new CopyOnWriteArrayList<>();
		this.runner.withBean(OperationListener.class, () -> (operation) -> {
			begun.add(operation.agent().name());
			return null;
		}).run((context) -> {
			Uploads uploads = context.getBean(Uploads.class);
			uploads.proceed();
			uploads.upload(false).get(5, TimeUnit.SECONDS);
			assertThat(begun).containsExactly("uploads");
			assertThatException().isThrownBy(() -> uploads.failingUpload().get(5, TimeUnit.SECONDS));
			assertThat(begun).containsExactly("uploads", "uploads");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservedConfiguration {

		@Bean
		RecordingHandler recordingHandler() {
			return new RecordingHandler();
		}

		@Bean
		ObservationRegistry observationRegistry(RecordingHandler handler) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(handler);
			return registry;
		}

		@Bean
		Uploads uploads(ObservationRegistry registry) {
			return new Uploads(registry);
		}

	}

	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	@AsyncAgent("uploads")
	static class Uploads {

		private final ObservationRegistry registry;

		private final CompletableFuture<Void> release = new CompletableFuture<>();

		private volatile Observation.Context observedInside;

		Uploads(ObservationRegistry registry) {
			this.registry = registry;
		}

		public CompletableFuture<String> upload(boolean fail) {
			Observation current = this.registry.getCurrentObservation();
			this.observedInside = (current != null) ? current.getContext() : null;
			Posms.allocate(1024);
			return this.release.thenApply((ignored) -> "done");
		}

		// not public: not operations of the agent
		void proceed() {
			this.release.complete(null);
		}

		Observation.Context observedInside() {
			return this.observedInside;
		}

		public CompletableFuture<String> failingUpload() {
			Posms.allocate(1024);
			return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
		}

	}

}
