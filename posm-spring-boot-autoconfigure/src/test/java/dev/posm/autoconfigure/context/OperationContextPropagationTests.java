package dev.posm.autoconfigure.context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
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
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
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
 * tasks and continuations on Spring Boot's executor (posm's task decorator with the
 * application's, or the application's {@code ContextPropagatingTaskDecorator}),
 * {@code Posms.supplyAsync}, and Reactor chains, with automatic context propagation and
 * with posm's schedule hook.
 *
 * @author posm
 */
class OperationContextPropagationTests {

	private static final int SIZE = 1000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
		.withUserConfiguration(PropagationConfiguration.class)
		// an allocator of its own, so that what is taken from "default" is taken outside it
		.withPropertyValues("posm.allocators.starter-io.type=pooled", "posm.agents.starter.allocator=starter-io");

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
		this.runner.run(OperationContextPropagationTests::asyncTaskTakesFromTheOperation);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void asyncTaskOnAVirtualThreadTakesFromTheOperation() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true")
			.run(OperationContextPropagationTests::asyncTaskTakesFromTheOperation);
	}

	private static void asyncTaskTakesFromTheOperation(AssertableApplicationContext context) throws Exception {
		PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
		Starter starter = context.getBean(Starter.class);
		AgentStats before = stats(context, "starter");
		String ran = starter.startAsyncTask(SIZE).get(10, TimeUnit.SECONDS);
		assertThat(ran).startsWith("starter@").isNotEqualTo("starter@" + Thread.currentThread().getName());
		AgentStats after = stats(context, "starter");
		assertThat(after.allocations() - before.allocations()).isEqualTo(1);
		assertThat(after.bytesInUse()).isZero();
		assertThat(fallback.stats().allocations()).isZero();
	}

	@Test
	void concurrentCallsEachCarryTheirOwnOperationToTheirTasks() {
		this.runner.run((context) -> {
			Starter starter = context.getBean(Starter.class);
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			int threads = 8;
			int calls = 100;
			List<CompletableFuture<Void>> callers = new ArrayList<>();
			ExecutorService callerThreads = Executors.newFixedThreadPool(threads);
			try {
				for (int t = 0; t < threads; t++) {
					callers.add(CompletableFuture.runAsync(() -> {
						for (int i = 0; i < calls; i++) {
							assertThat(starter.tasksInItsOwnOperation(SIZE).join()).isTrue();
						}
					}, callerThreads));
				}
				CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			}
			finally {
				callerThreads.shutdownNow();
			}
			AgentStats stats = stats(context, "starter");
			assertThat(stats.operations()).isEqualTo(threads * calls);
			assertThat(stats.activeOperations()).isZero();
			// two tasks a call, each taking one POSM left to the operation
			assertThat(stats.allocations()).isEqualTo(2L * threads * calls);
			assertThat(stats.reclaimed()).isEqualTo(2L * threads * calls);
			assertThat(stats.bytesInUse()).isZero();
			assertThat(fallback.stats().allocations()).isZero();
		});
	}

	@Test
	void anApplicationTaskDecoratorGoesWithPosmsSoTheAsyncTaskStillTakesFromTheOperation() {
		this.runner.withUserConfiguration(PlainDecoratorConfiguration.class).run((context) -> {
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			long fallbackBefore = fallback.stats().allocations();
			String ran = context.getBean(Starter.class).startAsyncTask(SIZE).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("starter@");
			assertThat(context.getBean(PlainDecoratorConfiguration.class).decorated).hasPositiveValue();
			assertThat(stats(context, "starter").allocations()).isEqualTo(1);
			assertThat(fallback.stats().allocations()).isEqualTo(fallbackBefore);
		});
	}

	@Test
	void anApplicationContextPropagatingTaskDecoratorCarriesTheOperationInPlaceOfPosms() {
		this.runner.withUserConfiguration(ContextPropagationConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(OperationTaskDecorator.class);
			String ran = context.getBean(Starter.class).startAsyncTask(SIZE).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("starter@");
			assertThat(stats(context, "starter").allocations()).isEqualTo(1);
			assertThat(stats(context, "starter").bytesInUse()).isZero();
		});
	}

	@Test
	void supplyAsyncInAnAgentMethodTakesFromItsOperationAndGivesBackBeforeTheCaller() {
		this.runner.run((context) -> {
			PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
			long fallbackBefore = fallback.stats().allocations();
			Starter starter = context.getBean(Starter.class);
			AgentStats before = stats(context, "starter");
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			String ran = starter.supplyOnDefaultPool(SIZE)
				.thenApply((value) -> {
					seen.set(stats(context, "starter"));
					return value;
				})
				.get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("starter@").doesNotEndWith("@" + Thread.currentThread().getName());
			// taken on the pool's thread, left to the operation, reclaimed before the caller saw the value
			assertThat(seen.get().allocations() - before.allocations()).isEqualTo(1);
			assertThat(seen.get().reclaimed() - before.reclaimed()).isEqualTo(1);
			assertThat(seen.get().bytesInUse()).isZero();
			assertThat(fallback.stats().allocations()).isEqualTo(fallbackBefore);
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
			.run(OperationContextPropagationTests::reactorChainsTakeFromTheOperation);
	}

	@Test
	void withoutAutomaticContextPropagationPosmsScheduleHookCarriesTheOperation() {
		this.runner.run(OperationContextPropagationTests::reactorChainsTakeFromTheOperation);
	}

	private static void reactorChainsTakeFromTheOperation(AssertableApplicationContext context) {
		PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
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
		assertThat(fallback.stats().allocations()).isZero();
	}

	@Test
	void theScheduleHookGoesWithTheContext() throws Exception {
		this.runner.run((context) -> assertThat(carriedToParallel(context.getBean(Agents.class))).isTrue());
		assertThat(carriedToParallel(new Agents(Allocators.unpooled("after-close").build()))).isFalse();
	}

	/**
	 * Whether a task scheduled on Reactor's parallel scheduler in an operation runs in it.
	 */
	private static boolean carriedToParallel(Agents agents) throws Exception {
		try (Operation operation = agents.agent("scheduled").begin()) {
			CompletableFuture<Operation> seen = new CompletableFuture<>();
			Operation previous = Posms.setCurrentOperation(operation);
			try {
				Schedulers.parallel().schedule(() -> seen.complete(Posms.currentOperation()));
			}
			finally {
				Posms.setCurrentOperation(previous);
			}
			return seen.get(10, TimeUnit.SECONDS) == operation;
		}
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

		final AtomicInteger decorated = new AtomicInteger();

		@Bean
		TaskDecorator plainDecorator() {
			return (runnable) -> {
				this.decorated.incrementAndGet();
				return runnable;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContextPropagationConfiguration {

		@Bean
		ContextPropagatingTaskDecorator contextPropagatingTaskDecorator() {
			return new ContextPropagatingTaskDecorator();
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

		/**
		 * Two tasks on Boot's executor and on the default pool: each must run in this
		 * call's operation, and take from it.
		 */
		public CompletableFuture<Boolean> tasksInItsOwnOperation(int size) {
			Operation operation = Posms.currentOperation();
			Supplier<Boolean> task = () -> {
				Posm posm = Posms.allocate(size);
				return Posms.currentOperation() == operation && operation.holds(posm.buffer());
			};
			return CompletableFuture.supplyAsync(task, this.executor)
				.thenCombine(Posms.supplyAsync(task), (first, second) -> first && second);
		}

		public Mono<String> hopThreads(int size) {
			return Mono.fromCallable(() -> {
				Posms.allocate(size);
				return where();
			}).subscribeOn(Schedulers.boundedElastic());
		}

		public CompletableFuture<String> supplyOnDefaultPool(int size) {
			return Posms.supplyAsync(() -> {
				Posms.allocate(size);
				return where();
			});
		}

		public Flux<String> publishOnParallel(int size, int count) {
			return Flux.range(1, count).publishOn(Schedulers.parallel()).map((i) -> {
				Posms.allocate(size);
				return where();
			});
		}

	}

}
