package dev.posm;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests that the current operation follows work handed over through {@link Posms}:
 * {@link Posms#wrap(Executor)}, {@link Posms#wrap(Runnable)}, {@link Posms#wrap(Callable)},
 * {@link Posms#supplyAsync} and {@link Posms#runAsync}, on real executors and the JDK's
 * default async pool. Each task's POSMs are its operation's, given back when the
 * operation completes, and the default allocator is never touched.
 *
 * @author posm
 */
class OperationPropagationTests {

	private static final int SIZE = 1000;

	private final PosmAllocator fallback = Allocators.pooled("propagation-default").build();

	private final PosmAllocator allocator = Allocators.pooled("propagation").build();

	private final Agents agents = new Agents(this.allocator);

	private final ExecutorService pool = Executors.newFixedThreadPool(3);

	private PosmAllocator previousDefault;

	@BeforeEach
	void installDefault() {
		this.previousDefault = Posms.setDefaultAllocator(this.fallback);
	}

	@AfterEach
	void restoreDefault() throws InterruptedException {
		this.pool.shutdownNow();
		this.pool.awaitTermination(10, TimeUnit.SECONDS);
		Posms.restoreDefaultAllocator(this.fallback, this.previousDefault);
	}

	@Test
	void wrappedExecutorRunsEachTaskInTheOperationThatHandedItOver() throws Exception {
		Agent agent = this.agents.agent("wrapped-executor");
		Executor executor = Posms.wrap(this.pool);
		AtomicReference<Operation> seen = new AtomicReference<>();
		AtomicReference<String> thread = new AtomicReference<>();
		CountDownLatch ran = new CountDownLatch(1);
		Operation operation = agent.begin();
		InOperation.run(operation, () -> executor.execute(() -> {
			seen.set(Posms.currentOperation());
			thread.set(Thread.currentThread().getName());
			// left to the operation
			Posm posm = Posms.allocate(SIZE);
			assertThat(operation.holds(posm.buffer())).isTrue();
			ran.countDown();
		}));
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(seen.get()).isSameAs(operation);
		assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
		assertThat(agent.stats().allocations()).isEqualTo(1);
		assertThat(agent.stats().bytesInUse()).isPositive();
		operation.close();
		assertReclaimed(agent, 1);
	}

	@Test
	void wrappedRunnableAndCallableRunInTheOperationAndPutBackWhatTheThreadHad() throws Exception {
		Agent agent = this.agents.agent("wrapped-tasks");
		Agent other = this.agents.agent("wrapped-tasks-other");
		Operation operation = agent.begin();
		Runnable runnable = InOperation.call(operation, () -> Posms.wrap(() -> {
			Posms.allocate(SIZE);
		}));
		Callable<Operation> callable = InOperation.call(operation, () -> Posms.wrap(() -> {
			Posms.allocate(SIZE);
			return Posms.currentOperation();
		}));
		// run on a thread that is in another operation: that one is back afterwards
		try (Operation outer = other.begin()) {
			Future<Operation> after = this.pool.submit(() -> InOperation.call(outer, () -> {
				runnable.run();
				assertThat(callable.call()).isSameAs(operation);
				return Posms.currentOperation();
			}));
			assertThat(after.get(10, TimeUnit.SECONDS)).isSameAs(outer);
		}
		assertThat(this.pool.submit(callable).get(10, TimeUnit.SECONDS)).isSameAs(operation);
		assertThat(other.stats().allocations()).isZero();
		operation.close();
		assertReclaimed(agent, 3);
	}

	@Test
	void supplyAsyncAndRunAsyncRunInTheOperationOnTheDefaultPoolAndOnAnExecutor() throws Exception {
		Agent agent = this.agents.agent("supply-async");
		Operation operation = agent.begin();
		List<CompletableFuture<?>> futures = InOperation.call(operation, () -> List.of(
				Posms.supplyAsync(OperationPropagationTests::takeAndTell),
				Posms.supplyAsync(OperationPropagationTests::takeAndTell, this.pool),
				Posms.runAsync(() -> Posms.allocate(SIZE)),
				Posms.runAsync(() -> Posms.allocate(SIZE), this.pool)));
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		assertThat(futures.get(0).get()).isSameAs(operation);
		assertThat(futures.get(1).get()).isSameAs(operation);
		assertThat(agent.stats().allocations()).isEqualTo(4);
		operation.close();
		assertReclaimed(agent, 4);
	}

	@Test
	void taskThatRunsAfterItsOperationCompletedFailsItsTakeClearly() throws Exception {
		Agent agent = this.agents.agent("too-late");
		Operation operation = agent.begin();
		CountDownLatch go = new CountDownLatch(1);
		CompletableFuture<Posm> late = InOperation.call(operation, () -> Posms.supplyAsync(() -> {
			await(go);
			return Posms.allocate(SIZE);
		}, this.pool));
		operation.close();
		go.countDown();
		assertThat(late).failsWithin(10, TimeUnit.SECONDS)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("Operation[agent 'too-late'] has completed: it cannot take a POSM any more");
		assertThat(agent.stats().allocations()).isZero();
		assertThat(agent.stats().operations()).isEqualTo(1);
		assertThat(this.fallback.stats().allocations()).isZero();
	}

	@Test
	void workHandedOverOutsideEveryOperationRunsInNoneEvenOnAThreadThatHasOne() throws Exception {
		Agent agent = this.agents.agent("handed-none");
		Runnable outside = Posms.wrap(() -> {
			assertThat(Posms.currentOperation()).isNull();
			Posms.allocate(SIZE).release();
		});
		try (Operation operation = agent.begin()) {
			InOperation.run(operation, () -> {
				outside.run();
				assertThat(Posms.currentOperation()).isSameAs(operation);
			});
		}
		assertThat(agent.stats().allocations()).isZero();
		assertThat(this.fallback.stats().allocations()).isEqualTo(1);
		assertThat(this.fallback.stats().releases()).isEqualTo(1);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void virtualThreadsOfAWrappedExecutorRunInTheOperation() throws Exception {
		Agent agent = this.agents.agent("virtual");
		ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
			.invoke(null);
		try {
			Executor executor = Posms.wrap(virtual);
			Operation operation = agent.begin();
			List<CompletableFuture<Operation>> futures = new ArrayList<>();
			InOperation.run(operation, () -> {
				for (int i = 0; i < 100; i++) {
					futures.add(CompletableFuture.supplyAsync(OperationPropagationTests::takeAndTell, executor));
				}
			});
			for (CompletableFuture<Operation> future : futures) {
				assertThat(future.get(10, TimeUnit.SECONDS)).isSameAs(operation);
			}
			assertThat(agent.stats().allocations()).isEqualTo(100);
			operation.close();
			assertReclaimed(agent, 100);
		}
		finally {
			virtual.shutdownNow();
		}
	}

	@Test
	void wrappingAWrappedExecutorWrapsOnceAndNullsAreRefusedByName() {
		Executor executor = Posms.wrap(this.pool);
		assertThat(Posms.wrap(executor)).isSameAs(executor);
		assertThatNullPointerException().isThrownBy(() -> Posms.wrap((Executor) null))
			.withMessage("executor must not be null");
		assertThatNullPointerException().isThrownBy(() -> Posms.wrap((Runnable) null))
			.withMessage("task must not be null");
		assertThatNullPointerException().isThrownBy(() -> Posms.supplyAsync(null))
			.withMessage("supplier must not be null");
		assertThatNullPointerException().isThrownBy(() -> Posms.supplyAsync(() -> 1, null))
			.withMessage("executor must not be null");
		assertThatNullPointerException().isThrownBy(() -> executor.execute(null)).withMessage("task must not be null");
	}

	@Test
	void manyOperationsOnManyThreadsEachGetTheirOwnTasksPosms() throws Exception {
		int threads = 8;
		int rounds = 200;
		int tasks = 4;
		ExecutorService shared = Executors.newFixedThreadPool(4);
		Queue<String> failures = new ConcurrentLinkedQueue<>();
		List<Thread> starters = new ArrayList<>();
		long[] leftToTheOperation = new long[threads];
		try {
			for (int t = 0; t < threads; t++) {
				int index = t;
				starters.add(new Thread(() -> {
					SplittableRandom random = new SplittableRandom(index);
					try (Agent agent = this.agents.open("many-" + index)) {
						Executor executor = Posms.wrap(shared);
						for (int round = 0; round < rounds; round++) {
							Operation operation = agent.begin();
							List<CompletableFuture<Boolean>> futures = new ArrayList<>();
							Operation previous = Posms.setCurrentOperation(operation);
							try {
								for (int task = 0; task < tasks; task++) {
									int size = 2 + random.nextInt(8192);
									boolean release = random.nextBoolean();
									if (!release) {
										leftToTheOperation[index]++;
									}
									CompletableFuture<Boolean> future = (task % 2 == 0)
											? Posms.supplyAsync(() -> takeInto(operation, size, release, failures), shared)
											: CompletableFuture.supplyAsync(() -> takeInto(operation, size, release, failures),
													executor);
									futures.add(future);
								}
							}
							finally {
								Posms.setCurrentOperation(previous);
							}
							CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
							operation.close();
						}
					}
					catch (Throwable ex) {
						failures.add("thread " + index + ": " + ex);
					}
				}));
			}
			starters.forEach(Thread::start);
			for (Thread starter : starters) {
				starter.join(TimeUnit.SECONDS.toMillis(60));
			}
		}
		finally {
			shared.shutdownNow();
		}
		assertThat(failures).isEmpty();
		for (int t = 0; t < threads; t++) {
			AgentStats stats = this.agents.agent("many-" + t).stats();
			assertThat(stats.operations()).isEqualTo(rounds);
			assertThat(stats.activeOperations()).isZero();
			assertThat(stats.allocations()).isEqualTo((long) rounds * tasks);
			assertThat(stats.reclaimed()).isEqualTo(leftToTheOperation[t]);
			assertThat(stats.bytesInUse()).isZero();
		}
		AllocatorStats stats = this.allocator.stats();
		assertThat(stats.allocations()).isEqualTo((long) threads * rounds * tasks);
		assertThat(stats.allocations()).isEqualTo(stats.releases() + stats.reclaimed() + stats.held());
		assertThat(stats.held()).isZero();
		assertThat(this.fallback.stats().allocations()).as("taken from the default allocator").isZero();
	}

	private static Boolean takeInto(Operation operation, int size, boolean release, Queue<String> failures) {
		if (Posms.currentOperation() != operation) {
			failures.add("a task of " + operation + " ran in " + Posms.currentOperation());
			return false;
		}
		Posm posm = Posms.allocate(size);
		if (!operation.holds(posm.buffer())) {
			failures.add("a POSM taken in a task of " + operation + " is not the operation's");
		}
		posm.buffer().put(0, (byte) 1).put(size - 1, (byte) 2);
		Thread.yield();
		if (posm.buffer().get(0) != 1 || posm.buffer().get(size - 1) != 2) {
			failures.add("a POSM of " + operation + " was changed by someone else");
		}
		if (release) {
			posm.release();
		}
		return true;
	}

	private static Operation takeAndTell() {
		Posms.allocate(SIZE);
		return Posms.currentOperation();
	}

	private void assertReclaimed(Agent agent, long posms) {
		assertThat(this.fallback.stats().allocations()).as("taken from the default allocator").isZero();
		AgentStats stats = agent.stats();
		assertThat(stats.activeOperations()).isZero();
		assertThat(stats.reclaimed()).isEqualTo(posms);
		assertThat(stats.bytesInUse()).isZero();
	}



	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("not released in time");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
