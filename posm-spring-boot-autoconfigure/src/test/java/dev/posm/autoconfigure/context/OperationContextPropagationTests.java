package dev.posm.autoconfigure.context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.reactor.autoconfigure.ReactorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the current operation follows its work to other threads: {@code @Async}
 * tasks, continuations on a decorated executor, and Reactor chains with automatic
 * context propagation.
 *
 * @author posm
 */
class OperationContextPropagationTests {

	private static final int SIZE = 1000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
		.withUserConfiguration(PropagationConfiguration.class);

	@AfterEach
	void disableAutomaticContextPropagation() {
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void accessorIsRegisteredWithContextPropagation() {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
			.anySatisfy((accessor) -> assertThat(accessor).isInstanceOf(OperationThreadLocalAccessor.class));
	}

	@Test
	void snapshotCarriesTheOperationToAnotherThreadAndRestoresWhatWasThere() throws Exception {
		Agents agents = new Agents(Allocators.pooled("snapshot").build());
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (Operation operation = agents.agent("carried").begin()) {
			Operation previous = Posms.setCurrentOperation(operation);
			ContextSnapshot snapshot;
			try {
				snapshot = ContextSnapshotFactory.builder().build().captureAll();
			}
			finally {
				Posms.setCurrentOperation(previous);
			}
			AtomicReference<Operation> before = new AtomicReference<>();
			AtomicReference<Operation> inside = new AtomicReference<>();
			AtomicReference<Operation> after = new AtomicReference<>();
			executor.submit(() -> {
				before.set(Posms.currentOperation());
				try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
					inside.set(Posms.currentOperation());
					Posms.allocate(SIZE).release();
				}
				after.set(Posms.currentOperation());
			}).get(10, TimeUnit.SECONDS);
			assertThat(before.get()).isNull();
			assertThat(inside.get()).isSameAs(operation);
			assertThat(after.get()).isNull();
			assertThat(agents.agent("carried").stats().allocations()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void asyncTaskStartedInAnOperationTakesFromIt() {
		this.runner.run((context) -> {
			Starter starter = context.getBean(Starter.class);
			AgentStats before = stats(context, "starter");
			String ran = starter.startAsyncTask(SIZE).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("starter@").isNotEqualTo("starter@" + Thread.currentThread().getName());
			AgentStats after = stats(context, "starter");
			assertThat(after.allocations() - before.allocations()).isEqualTo(1);
			assertThat(after.bytesInUse()).isZero();
		});
	}

	@Test
	void withoutTheDecoratorTheAsyncTaskSeesNoOperation() {
		this.runner.withUserConfiguration(PlainDecoratorConfiguration.class).run((context) -> {
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			long fallbackBefore = fallback.stats().allocations();
			String ran = context.getBean(Starter.class).startAsyncTask(SIZE).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("none@");
			assertThat(stats(context, "starter").allocations()).isZero();
			assertThat(fallback.stats().allocations() - fallbackBefore).isEqualTo(1);
		});
	}

	@Test
	void continuationOnADecoratedExecutorTakesFromTheOperation() {
		this.runner.run((context) -> {
			Starter starter = context.getBean(Starter.class);
			AgentStats before = stats(context, "starter");
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			List<String> ran = starter.supplyOnExecutor(SIZE).thenApply((value) -> {
				seen.set(stats(context, "starter"));
				return value;
			}).get(10, TimeUnit.SECONDS);
			assertThat(ran).hasSize(2).allSatisfy((value) -> assertThat(value).startsWith("starter@"));
			assertThat(ran.get(0)).isNotEqualTo("starter@" + Thread.currentThread().getName());
			// two POSMs taken on executor threads, both forgotten, both reclaimed before the caller
			assertThat(seen.get().allocations() - before.allocations()).isEqualTo(2);
			assertThat(seen.get().reclaimed() - before.reclaimed()).isEqualTo(2);
			assertThat(seen.get().bytesInUse()).isZero();
		});
	}

	@Test
	void reactorChainWithAutomaticContextPropagationTakesFromTheOperation() {
		this.runner.withConfiguration(AutoConfigurations.of(ReactorAutoConfiguration.class))
			.withPropertyValues("spring.reactor.context-propagation=auto")
			.run((context) -> {
				Starter starter = context.getBean(Starter.class);
				AgentStats before = stats(context, "starter");
				AtomicReference<AgentStats> seen = new AtomicReference<>();
				String hopped = starter.hopThreads(SIZE)
					.doOnNext((value) -> seen.set(stats(context, "starter")))
					.block(Duration.ofSeconds(10));
				assertThat(hopped).startsWith("starter@boundedElastic");
				assertThat(seen.get().allocations() - before.allocations()).isEqualTo(1);
				assertThat(seen.get().reclaimed() - before.reclaimed()).isEqualTo(1);
				assertThat(seen.get().bytesInUse()).isZero();

				AgentStats beforeFlux = stats(context, "starter");
				AtomicReference<AgentStats> seenAtEnd = new AtomicReference<>();
				List<String> published = starter.publishOnParallel(SIZE, 3)
					.doOnComplete(() -> seenAtEnd.set(stats(context, "starter")))
					.collectList()
					.block(Duration.ofSeconds(10));
				assertThat(published).hasSize(3).allSatisfy((value) -> assertThat(value).startsWith("starter@parallel"));
				assertThat(seenAtEnd.get().allocations() - beforeFlux.allocations()).isEqualTo(3);
				assertThat(seenAtEnd.get().reclaimed() - beforeFlux.reclaimed()).isEqualTo(3);
				assertThat(seenAtEnd.get().bytesInUse()).isZero();
				// and downstream of the agent's publisher, the caller is not in its operation
				assertThat(starter.hopThreads(SIZE).map((value) -> currentAgentName()).block(Duration.ofSeconds(10)))
					.isEqualTo("none");
			});
	}

	@Test
	void withoutAutomaticContextPropagationAThreadHopLeavesTheOperationBehind() {
		this.runner.run((context) -> {
			String hopped = context.getBean(Starter.class).hopThreadsAndRelease(SIZE).block(Duration.ofSeconds(10));
			assertThat(hopped).startsWith("none@boundedElastic");
			assertThat(stats(context, "starter").allocations()).isZero();
		});
	}

	private static AgentStats stats(AssertableApplicationContext context, String agent) {
		return context.getBean(Agents.class).agent(agent).stats();
	}

	static String currentAgentName() {
		return Posms.currentAgent().map(Agent::name).orElse("none");
	}

	static String where() {
		return currentAgentName() + "@" + Thread.currentThread().getName();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class PropagationConfiguration {

		@Bean
		AsyncHelper asyncHelper() {
			return new AsyncHelper();
		}

		@Bean
		Starter starter(AsyncHelper helper, @Qualifier("applicationTaskExecutor") Executor executor) {
			return new Starter(helper, executor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainDecoratorConfiguration {

		@Bean
		TaskDecorator plainDecorator() {
			return (runnable) -> runnable;
		}

	}

	/**
	 * Not an agent: its tasks run in whatever operation they were started in.
	 */
	public static class AsyncHelper {

		@Async
		public CompletableFuture<String> allocateAndRelease(int size) {
			Posm posm = Posms.allocate(size);
			posm.release();
			return CompletableFuture.completedFuture(where());
		}

	}

	@AsyncAgent("starter")
	public static class Starter {

		private final AsyncHelper helper;

		private final Executor executor;

		public Starter(AsyncHelper helper, Executor executor) {
			this.helper = helper;
			this.executor = executor;
		}

		public CompletableFuture<String> startAsyncTask(int size) {
			return this.helper.allocateAndRelease(size);
		}

		public CompletableFuture<List<String>> supplyOnExecutor(int size) {
			return CompletableFuture.supplyAsync(() -> {
				Posms.allocate(size);
				return where();
			}, this.executor).thenApplyAsync((first) -> {
				Posms.allocate(size);
				return List.of(first, where());
			}, this.executor);
		}

		public Mono<String> hopThreads(int size) {
			return Mono.fromCallable(() -> {
				Posms.allocate(size);
				return where();
			}).subscribeOn(Schedulers.boundedElastic());
		}

		public Mono<String> hopThreadsAndRelease(int size) {
			return Mono.fromCallable(() -> {
				Posms.allocate(size).release();
				return where();
			}).subscribeOn(Schedulers.boundedElastic());
		}

		public Flux<String> publishOnParallel(int size, int count) {
			return Flux.range(1, count).publishOn(Schedulers.parallel()).map((i) -> {
				Posms.allocate(size);
				return where();
			});
		}

	}

}
