package dev.posm.autoconfigure.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests the guarantee of {@code @AsyncAgent} with real threads: when the caller's
 * continuation runs, every POSM of the operation is released (what the method forgot is
 * reclaimed), and the next operation of the agent reuses that memory.
 *
 * @author posm
 */
class AsyncAgentGuaranteeTests {

	private static final int SIZE = 1000;

	/** The block a POSM of {@link #SIZE} bytes is counted as. */
	private static final int BLOCK = 1024;

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
		.withUserConfiguration(WorkerConfiguration.class);

	@Test
	void completableFutureCompletesAfterTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			CountDownLatch go = new CountDownLatch(1);
			CompletableFuture<String> result = worker.later(SIZE, go);
			// running: the operation holds the POSM it forgot, the caller waits
			assertThat(stats(context).activeOperations()).isEqualTo(1);
			assertThat(stats(context).bytesInUse()).isEqualTo(BLOCK);
			assertThat(result).isNotDone();
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			AtomicReference<String> thread = new AtomicReference<>();
			CompletableFuture<String> chained = result.thenApply((value) -> {
				seen.set(stats(context));
				thread.set(Thread.currentThread().getName());
				return value;
			});
			go.countDown();
			assertThat(chained.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
			assertReleased(seen.get(), before, 1);
			AgentStats afterFirst = stats(context);
			worker.later(SIZE, open()).get(10, TimeUnit.SECONDS);
			assertReused(stats(context), afterFirst);
		});
	}

	@Test
	void completableFutureFailureCompletesAfterTheOperationWithTheSameException() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			IllegalStateException failure = new IllegalStateException("boom");
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			AtomicReference<Throwable> seenFailure = new AtomicReference<>();
			CompletableFuture<String> result = worker.failLater(SIZE, failure);
			CompletableFuture<String> handled = result.exceptionally((ex) -> {
				seen.set(stats(context));
				seenFailure.set(ex);
				return "handled";
			});
			assertThat(handled.get(10, TimeUnit.SECONDS)).isEqualTo("handled");
			assertThat(seenFailure.get()).hasCause(failure);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(result::get).withCause(failure);
			assertThat(result).isCompletedExceptionally();
			assertReleased(seen.get(), before, 1);
			assertThat(seen.get().failedOperations() - before.failedOperations()).isEqualTo(1);
		});
	}

	@Test
	void cancellingTheCallersFutureCancelsTheMethodsAndCompletesTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			CountDownLatch go = new CountDownLatch(1);
			CompletableFuture<String> result = worker.later(SIZE, go);
			CompletableFuture<String> inner = worker.lastInner();
			assertThat(stats(context).activeOperations()).isEqualTo(1);
			assertThat(result.cancel(true)).isTrue();
			assertThat(result).isCancelled();
			assertThat(inner).isCancelled();
			AgentStats after = stats(context);
			assertReleased(after, before, 1);
			assertThat(after.failedOperations() - before.failedOperations()).isEqualTo(1);
			go.countDown();
		});
	}

	@Test
	void cancellingAStageThatCannotBeCancelledStillCompletesTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			CompletableFuture<String> source = new CompletableFuture<>();
			CompletableFuture<String> result = worker.minimal(SIZE, source).toCompletableFuture();
			assertThat(result.cancel(false)).isTrue();
			assertThat(result).isCancelled();
			AgentStats after = stats(context);
			assertReleased(after, before, 1);
			assertThat(after.failedOperations() - before.failedOperations()).isEqualTo(1);
			// completing the stage later changes nothing
			source.complete("late");
			assertThat(stats(context)).isEqualTo(after);
		});
	}

	@Test
	void monoCompletesTheOperationBeforeItsValueGoesDownstream() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			AtomicReference<String> thread = new AtomicReference<>();
			String value = worker.mono(SIZE).doOnNext((v) -> {
				seen.set(stats(context));
				thread.set(Thread.currentThread().getName());
			}).block(TIMEOUT);
			assertThat(value).isEqualTo("done");
			assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
			assertReleased(seen.get(), before, 1);
			AgentStats afterFirst = stats(context);
			worker.mono(SIZE).block(TIMEOUT);
			assertReused(stats(context), afterFirst);
		});
	}

	@Test
	void monoErrorCompletesTheOperationBeforeItGoesDownstream() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			IllegalStateException failure = new IllegalStateException("boom");
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			Mono<String> result = worker.monoFailure(SIZE, failure).doOnError((ex) -> seen.set(stats(context)));
			assertThatThrownBy(() -> result.block(TIMEOUT)).isSameAs(failure);
			assertReleased(seen.get(), before, 1);
			assertThat(seen.get().failedOperations() - before.failedOperations()).isEqualTo(1);
		});
	}

	@Test
	void cancellingAMonoCompletesTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			Disposable subscription = worker.monoNever(SIZE).subscribe();
			assertThat(stats(context).activeOperations()).isEqualTo(1);
			subscription.dispose();
			AgentStats after = stats(context);
			assertReleased(after, before, 1);
			assertThat(after.failedOperations() - before.failedOperations()).isEqualTo(1);
		});
	}

	@Test
	void monoWorkDoneOnSubscriptionTakesFromTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			Mono<Integer> result = worker.monoAllocatingOnSubscribe(SIZE);
			// nothing happened yet: the work is done when the caller subscribes
			assertThat(stats(context).allocations()).isEqualTo(before.allocations());
			assertThat(result.doOnNext((v) -> seen.set(stats(context))).block(TIMEOUT)).isEqualTo(SIZE);
			assertReleased(seen.get(), before, 1);
			assertThat(Posms.currentOperation()).isNull();
		});
	}

	@Test
	void eachLaterSubscriptionIsAnOperationOfItsOwn() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			Mono<Integer> result = worker.monoAllocatingOnSubscribe(SIZE);
			result.block(TIMEOUT);
			result.block(TIMEOUT);
			AgentStats after = stats(context);
			assertThat(after.operations() - before.operations()).isEqualTo(2);
			assertReleased(after, before, 2);
			assertThat(after.recycled() - before.recycled()).isPositive();
		});
	}

	@Test
	void fluxCompletesTheOperationBeforeItsCompletionGoesDownstream() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			List<Long> activeDuringElements = new CopyOnWriteArrayList<>();
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			List<Integer> values = worker.flux(SIZE, 5)
				.doOnNext((v) -> activeDuringElements.add(stats(context).activeOperations()))
				.doOnComplete(() -> seen.set(stats(context)))
				.collectList()
				.block(TIMEOUT);
			assertThat(values).containsExactly(1, 2, 3, 4, 5);
			// elements are seen while the operation runs, its completion after it
			assertThat(activeDuringElements).containsOnly(1L);
			assertReleased(seen.get(), before, 1);
			AgentStats afterFirst = stats(context);
			worker.flux(SIZE, 2).blockLast(TIMEOUT);
			assertReused(stats(context), afterFirst);
		});
	}

	@Test
	void fluxErrorCompletesTheOperationBeforeItGoesDownstream() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			IllegalStateException failure = new IllegalStateException("boom");
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			Flux<Integer> result = worker.fluxFailure(SIZE, failure).doOnError((ex) -> seen.set(stats(context)));
			assertThatThrownBy(() -> result.blockLast(TIMEOUT)).isSameAs(failure);
			assertReleased(seen.get(), before, 1);
			assertThat(seen.get().failedOperations() - before.failedOperations()).isEqualTo(1);
		});
	}

	@Test
	void cancellingAFluxCompletesTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			List<Long> values = worker.endless(SIZE)
				.take(3)
				.doOnComplete(() -> seen.set(stats(context)))
				.collectList()
				.block(TIMEOUT);
			assertThat(values).hasSize(3);
			assertReleased(seen.get(), before, 1);
			assertThat(seen.get().failedOperations() - before.failedOperations()).isEqualTo(1);
		});
	}

	@Test
	void publisherIsHandledAsTheMonoOrFluxItIs() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			Publisher<Integer> many = worker.publisher(SIZE, false);
			assertThat(many).isInstanceOf(Flux.class);
			Flux.from(many).doOnComplete(() -> seen.set(stats(context))).blockLast(TIMEOUT);
			assertReleased(seen.get(), before, 1);
			AgentStats afterFlux = stats(context);
			Publisher<Integer> one = worker.publisher(SIZE, true);
			assertThat(one).isInstanceOf(Mono.class);
			Mono.from(one).doOnNext((value) -> seen.set(stats(context))).block(TIMEOUT);
			assertReleased(seen.get(), afterFlux, 1);
		});
	}

	@Test
	void asyncMethodCompletesItsFutureAfterTheOperation() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			String ran = worker.async(SIZE).thenApply((name) -> {
				seen.set(stats(context));
				return name;
			}).get(10, TimeUnit.SECONDS);
			// the method ran on the executor, as the operation
			assertThat(ran).startsWith("worker@").isNotEqualTo("worker@" + Thread.currentThread().getName());
			assertReleased(seen.get(), before, 1);
			AgentStats afterFirst = stats(context);
			worker.async(SIZE).get(10, TimeUnit.SECONDS);
			assertReused(stats(context), afterFirst);
		});
	}

	@Test
	void asyncVoidMethodIsOneOperationOnTheExecutor() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			CountDownLatch ran = new CountDownLatch(1);
			AtomicReference<String> thread = new AtomicReference<>();
			worker.asyncVoid(SIZE, ran, thread);
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(thread.get()).startsWith("worker@").isNotEqualTo("worker@" + Thread.currentThread().getName());
			await().atMost(TIMEOUT).until(() -> stats(context).activeOperations() == 0);
			assertReleased(stats(context), before, 1);
		});
	}

	@Test
	void plainMethodReleasesBeforeReturning() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			assertThat(worker.plain(SIZE)).isEqualTo("worker");
			assertReleased(stats(context), before, 1);
			AgentStats afterFirst = stats(context);
			worker.plain(SIZE);
			assertReused(stats(context), afterFirst);
			assertThat(Posms.currentOperation()).isNull();
		});
	}

	@Test
	void plainMethodReleasesBeforeThrowing() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			AgentStats before = stats(context);
			IllegalStateException failure = new IllegalStateException("boom");
			assertThatThrownBy(() -> worker.plainFailure(SIZE, failure)).isSameAs(failure);
			AgentStats after = stats(context);
			assertReleased(after, before, 1);
			assertThat(after.failedOperations() - before.failedOperations()).isEqualTo(1);
			assertThat(Posms.currentOperation()).isNull();
		});
	}

	@Test
	void concurrentCallsNeverShareABlockAndTheCountersBalance() throws Exception {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			PosmAllocator allocator = context.getBean("default", PosmAllocator.class);
			AgentStats before = stats(context);
			int threads = 4;
			int calls = 500;
			List<Thread> workers = new CopyOnWriteArrayList<>();
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			for (int t = 0; t < threads; t++) {
				byte marker = (byte) (t + 1);
				Thread thread = new Thread(() -> {
					try {
						for (int i = 0; i < calls; i++) {
							int size = 64 << (i % 6);
							if (i % 2 == 0) {
								assertThat(worker.exclusive(size, marker)).isTrue();
							}
							else {
								assertThat(worker.exclusiveLater(size, marker).get(10, TimeUnit.SECONDS)).isTrue();
							}
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				});
				workers.add(thread);
				thread.start();
			}
			for (Thread thread : workers) {
				thread.join(TIMEOUT.toMillis());
			}
			assertThat(failures).isEmpty();
			AgentStats after = stats(context);
			assertThat(after.operations() - before.operations()).isEqualTo(threads * calls);
			assertThat(after.activeOperations()).isZero();
			assertThat(after.bytesInUse()).isZero();
			// each call forgot one of its two POSMs
			assertThat(after.reclaimed() - before.reclaimed()).isEqualTo(threads * calls);
			assertThat(after.recycled() - before.recycled()).isPositive();
			AllocatorStats allocatorStats = allocator.stats();
			assertThat(allocatorStats.held()).isZero();
			assertThat(allocatorStats.allocations())
				.isEqualTo(allocatorStats.releases() + allocatorStats.reclaimed());
		});
	}

	private static AgentStats stats(AssertableApplicationContext context) {
		return context.getBean(Agents.class).agent("worker").stats();
	}

	/**
	 * What the caller's continuation must see: nothing in use, and what the method forgot
	 * taken back.
	 */
	private static void assertReleased(AgentStats seen, AgentStats before, int forgotten) {
		assertThat(seen).isNotNull();
		assertThat(seen.bytesInUse()).isZero();
		assertThat(seen.activeOperations()).isZero();
		assertThat(seen.reclaimed() - before.reclaimed()).isEqualTo(forgotten);
	}

	private static void assertReused(AgentStats after, AgentStats before) {
		assertThat(after.recycled() - before.recycled()).isEqualTo(after.allocations() - before.allocations())
			.isPositive();
		assertThat(after.bytesInUse()).isZero();
	}

	private static CountDownLatch open() {
		return new CountDownLatch(0);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class WorkerConfiguration {

		@Bean
		Worker worker(@Qualifier("applicationTaskExecutor") Executor executor) {
			return new Worker(executor);
		}

	}

	@AsyncAgent("worker")
	public static class Worker {

		private final Executor executor;

		private volatile CompletableFuture<String> lastInner;

		public Worker(Executor executor) {
			this.executor = executor;
		}

		public CompletableFuture<String> later(int size, CountDownLatch go) {
			forget(size);
			CompletableFuture<String> inner = CompletableFuture.supplyAsync(() -> {
				await(go);
				return "done";
			}, this.executor);
			this.lastInner = inner;
			return inner;
		}

		// not public: not an operation (the caller reaches it through the proxy)
		CompletableFuture<String> lastInner() {
			return this.lastInner;
		}

		public CompletionStage<String> minimal(int size, CompletableFuture<String> source) {
			forget(size);
			return source.minimalCompletionStage();
		}

		public CompletableFuture<String> failLater(int size, RuntimeException failure) {
			forget(size);
			return CompletableFuture.supplyAsync(() -> {
				throw failure;
			}, this.executor);
		}

		public Mono<String> mono(int size) {
			forget(size);
			return Mono.delay(Duration.ofMillis(5)).map((tick) -> "done");
		}

		public Mono<String> monoFailure(int size, RuntimeException failure) {
			forget(size);
			return Mono.delay(Duration.ofMillis(5)).then(Mono.error(failure));
		}

		public Mono<String> monoNever(int size) {
			forget(size);
			return Mono.never();
		}

		public Mono<Integer> monoAllocatingOnSubscribe(int size) {
			return Mono.fromCallable(() -> {
				forget(size);
				return size;
			});
		}

		public Flux<Integer> flux(int size, int count) {
			forget(size);
			return Flux.range(1, count).delayElements(Duration.ofMillis(2));
		}

		public Flux<Integer> fluxFailure(int size, RuntimeException failure) {
			forget(size);
			return Flux.range(1, 2).delayElements(Duration.ofMillis(2)).concatWith(Flux.error(failure));
		}

		public Publisher<Integer> publisher(int size, boolean one) {
			forget(size);
			return one ? Mono.just(1).delayElement(Duration.ofMillis(2))
					: Flux.range(1, 3).delayElements(Duration.ofMillis(2));
		}

		public Flux<Long> endless(int size) {
			forget(size);
			return Flux.interval(Duration.ofMillis(1));
		}

		@Async
		public CompletableFuture<String> async(int size) {
			forget(size);
			return CompletableFuture
				.completedFuture(Posms.currentAgent().orElseThrow().name() + "@" + Thread.currentThread().getName());
		}

		@Async
		public void asyncVoid(int size, CountDownLatch ran, AtomicReference<String> thread) {
			forget(size);
			thread.set(Posms.currentAgent().orElseThrow().name() + "@" + Thread.currentThread().getName());
			ran.countDown();
		}

		public String plain(int size) {
			forget(size);
			return Posms.currentAgent().orElseThrow().name();
		}

		public String plainFailure(int size, RuntimeException failure) {
			forget(size);
			throw failure;
		}

		public boolean exclusive(int size, byte marker) {
			return fillAndCheck(size, marker);
		}

		public CompletableFuture<Boolean> exclusiveLater(int size, byte marker) {
			Posm held = fill(size, marker);
			return CompletableFuture.supplyAsync(() -> {
				// the operation came along with the task: these POSMs are its own too
				boolean intact = check(held, marker) && fillAndCheck(size, marker);
				Thread.yield();
				intact = intact && check(held, marker);
				held.release();
				return intact;
			}, this.executor);
		}

		/** Two POSMs: one released, one forgotten; neither touched by anyone else. */
		private static boolean fillAndCheck(int size, byte marker) {
			Posm released = fill(size, marker);
			Posm forgotten = fill(size / 2 + 1, marker);
			Thread.yield();
			boolean intact = check(released, marker) && check(forgotten, marker);
			released.release();
			return intact;
		}

		private static Posm fill(int size, byte marker) {
			Posm posm = Posms.allocate(size);
			for (int i = 0; i < size; i++) {
				posm.buffer().put(i, marker);
			}
			return posm;
		}

		private static boolean check(Posm posm, byte marker) {
			for (int i = 0; i < posm.size(); i++) {
				if (posm.buffer().get(i) != marker) {
					return false;
				}
			}
			return true;
		}

		private static void forget(int size) {
			Posm posm = Posms.allocate(size);
			posm.buffer().put(0, (byte) 7);
		}

		private static void await(CountDownLatch latch) {
			try {
				latch.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
