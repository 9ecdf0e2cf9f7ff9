package dev.posm.autoconfigure.aop;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code @AsyncAgent} methods whose future is complete when they return: the
 * operation completes before the caller has the future, which is handed over as it is.
 *
 * @author posm
 */
class CompletedFutureTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
		.withUserConfiguration(LookupConfiguration.class);

	@Test
	void aCompleteFutureIsReturnedAsItIsAfterTheOperationCompleted() {
		this.runner.run((context) -> {
			Lookups lookups = context.getBean(Lookups.class);
			CompletableFuture<String> found = lookups.find("key");
			assertThat(found).isSameAs(lookups.last()).isCompletedWithValue("value of key");
			AgentStats stats = context.getBean(Agents.class).find("lookups").get().stats();
			// the POSM the method kept was taken back before the caller had the future
			assertThat(stats).isEqualTo(new AgentStats(1, 0, 0, 1, 0, 1, 0, 1024));
			lookups.find("again").join();
			assertThat(context.getBean(Agents.class).find("lookups").get().stats().recycled()).isEqualTo(1);
		});
	}

	@Test
	void aFailedFutureCountsAsAFailedOperation() {
		this.runner.run((context) -> {
			Lookups lookups = context.getBean(Lookups.class);
			assertThat(lookups.find("")).isSameAs(lookups.last()).isCompletedExceptionally();
			AgentStats stats = context.getBean(Agents.class).find("lookups").get().stats();
			assertThat(stats.failedOperations()).isEqualTo(1);
			assertThat(stats.bytesInUse()).isZero();
			assertThat(stats.reclaimed()).isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class LookupConfiguration {

		@Bean
		Lookups lookups() {
			return new Lookups();
		}

	}

	@AsyncAgent("lookups")
	static class Lookups {

		private volatile CompletableFuture<String> last;

		public CompletableFuture<String> find(String key) {
			Posms.allocate(1000);
			CompletableFuture<String> result = key.isEmpty()
					? CompletableFuture.failedFuture(new IllegalArgumentException("empty key"))
					: CompletableFuture.completedFuture("value of " + key);
			this.last = result;
			return result;
		}

		// not public: not an operation
		CompletableFuture<String> last() {
			return this.last;
		}

	}

}
