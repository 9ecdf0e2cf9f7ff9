package dev.posm.autoconfigure.context;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that an {@code @AsyncAgent} method whose work leaves its operation behind (on
 * {@code CompletableFuture.supplyAsync} without posm, a Reactor chain inside a method
 * that returns a future) is told about it where it happens: one warning per agent on
 * {@code dev.posm.misuse} that names the agent and the fix, or, under
 * {@code posm.leak-detection=paranoid}, a failed take. Code outside every agent is not.
 *
 * @author posm
 */
class LostOperationWarningTests {

	private static final int SIZE = 1000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
		.withUserConfiguration(LossyConfiguration.class)
		.withPropertyValues("posm.allocators.lossy-io.type=pooled", "posm.agents.lossy.allocator=lossy-io");

	private final Logger misuseLogger = Logger.getLogger("dev.posm.misuse");

	private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

	private final StreamHandler capture = new StreamHandler(this.logged, new SimpleFormatter());

	@BeforeEach
	void captureMisuseLog() {
		this.misuseLogger.addHandler(this.capture);
	}

	@AfterEach
	void restoreMisuseLog() {
		this.misuseLogger.removeHandler(this.capture);
	}

	@Test
	void supplyAsyncWithoutPosmWarnsOnceNamingTheAgentAndTheFix() {
		this.runner.run((context) -> {
			Lossy lossy = context.getBean(Lossy.class);
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			for (int i = 0; i < 3; i++) {
				assertThat(lossy.supplyAsyncWithoutPosm(SIZE).get(10, TimeUnit.SECONDS)).isEqualTo("none");
			}
			assertThat(messagesNaming("lossy")).singleElement()
				.asString()
				.contains("Posms.allocate(1000) found no current operation on thread")
				.contains("a POSM comes from allocator 'default', and nothing gives it back when the operation of agent"
						+ " 'lossy' completes")
				.contains("Posms.supplyAsync(..)")
				.contains("Posms.wrap(executor)");
			// what the work took came from the default allocator, none from the agent's
			assertThat(fallback.stats().allocations()).isEqualTo(3);
			assertThat(stats(context).allocations()).isZero();
		});
	}

	@Test
	void underParanoidTheLostTakeFailsAndTakesNothing() {
		this.runner.withPropertyValues("posm.leak-detection=paranoid").run((context) -> {
			Lossy lossy = context.getBean(Lossy.class);
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			for (int i = 0; i < 2; i++) {
				assertThat(lossy.supplyAsyncWithoutPosm(SIZE)).failsWithin(10, TimeUnit.SECONDS)
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(IllegalStateException.class)
					.withMessageContaining("the operation of agent 'lossy'")
					.withMessageContaining("Posms.supplyAsync(..)");
			}
			assertThat(fallback.stats().allocations()).isZero();
			assertThat(stats(context).failedOperations()).isEqualTo(2);
			assertThat(messagesNaming("lossy")).isEmpty();
		});
	}

	@Test
	void aReactorChainInsideAMethodThatReturnsAFutureWarnsWithTheReactorFix() {
		this.runner.run((context) -> {
			String ran = context.getBean(Lossy.class).reactorInsideAFuture(SIZE).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("none@parallel-");
			assertThat(messagesNaming("lossy")).singleElement()
				.asString()
				.contains("spring.reactor.context-propagation=auto");
			assertThat(stats(context).allocations()).isZero();
		});
	}

	@Test
	void codeOutsideEveryAgentIsNotReportedWhileTheAgentWorks() {
		this.runner.run((context) -> {
			Lossy lossy = context.getBean(Lossy.class);
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			CountDownLatch go = new CountDownLatch(1);
			CompletableFuture<String> working = lossy.waitOnTheRightPath(go, SIZE);
			assertThat(stats(context).activeOperations()).isEqualTo(1);
			CompletableFuture<Void> plain = new CompletableFuture<>();
			Thread thread = new Thread(() -> {
				try {
					Posms.allocate(SIZE).release();
					plain.complete(null);
				}
				catch (Throwable ex) {
					plain.completeExceptionally(ex);
				}
			});
			thread.start();
			plain.get(10, TimeUnit.SECONDS);
			go.countDown();
			assertThat(working.get(10, TimeUnit.SECONDS)).isEqualTo("lossy");
			assertThat(warnings()).isEmpty();
			assertThat(fallback.stats().allocations()).isEqualTo(1);
			assertThat(stats(context).allocations()).isEqualTo(1);
			assertThat(stats(context).bytesInUse()).isZero();
		});
	}

	private List<String> warnings() {
		this.capture.flush();
		return this.logged.toString(StandardCharsets.UTF_8).lines().filter((line) -> line.startsWith("WARNING: ")).toList();
	}

	private List<String> messagesNaming(String agent) {
		return warnings().stream().filter((warning) -> warning.contains("agent '" + agent + "'")).toList();
	}

	private static AgentStats stats(AssertableApplicationContext context) {
		return context.getBean(Agents.class).agent("lossy").stats();
	}

	private static String where() {
		return Posms.currentAgent().map((agent) -> agent.name()).orElse("none") + "@" + Thread.currentThread().getName();
	}

	@Configuration(proxyBeanMethods = false)
	static class LossyConfiguration {

		@Bean
		Lossy lossy() {
			return new Lossy();
		}

	}

	@AsyncAgent("lossy")
	public static class Lossy {

		public CompletableFuture<String> supplyAsyncWithoutPosm(int size) {
			return CompletableFuture.supplyAsync(() -> {
				Posms.allocate(size).release();
				return Posms.currentAgent().map((agent) -> agent.name()).orElse("none");
			});
		}

		public CompletableFuture<String> reactorInsideAFuture(int size) {
			return Mono.fromCallable(() -> {
				Posms.allocate(size).release();
				return where();
			}).subscribeOn(Schedulers.parallel()).toFuture();
		}

		public CompletableFuture<String> waitOnTheRightPath(CountDownLatch go, int size) {
			return Posms.supplyAsync(() -> {
				try {
					go.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new CompletionException(ex);
				}
				Posms.allocate(size);
				return Posms.currentAgent().map((agent) -> agent.name()).orElse("none");
			});
		}

	}

}
