package dev.posm;

import dev.posm.alloc.VirtualThreads;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of virtual threads through a recycling allocator: no per-thread cache (and
 * no thread-local) for them, while reuse still happens through the shared pool and
 * through agents. Reached by reflection: the code compiles for Java 17.
 *
 * @author posm
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadTests {

	private static final int TASKS = 5_000;

	private static final int[] SIZES = { 0, 100, 1000, 4096, 4097 };

	@Test
	void virtualThreadsGetNoThreadCacheWhilePlatformThreadsDo() throws Exception {
		PosmAllocator allocator = Allocators.recycling("virtual").build();
		HeldBlocks held = new HeldBlocks();
		AtomicInteger onPlatformThreads = new AtomicInteger();
		runOnVirtualThreads((task) -> {
			if (!VirtualThreads.isVirtual(Thread.currentThread())) {
				onPlatformThreads.incrementAndGet();
			}
			String holder = "task " + task;
			long seed = BlockPattern.seed(task, 0, 0);
			Posm posm = allocator.allocate(SIZES[task % SIZES.length]);
			held.taken(posm, holder);
			BlockPattern.write(posm.buffer(), seed);
			Thread.yield();
			if (BlockPattern.firstDamage(posm.buffer(), seed) >= 0) {
				held.failure(posm + " of " + holder + " was changed by someone else");
			}
			held.givenBack(posm, holder);
			posm.release();
		});
		assertThat(onPlatformThreads).hasValue(0);
		assertThat(held.failures()).isEmpty();
		assertThat(threadCaches(allocator)).isZero();
		assertThat(allocator.describe()).containsEntry("threadCaches", 0);
		AllocatorStats stats = allocator.stats();
		assertThat(stats.allocations()).isEqualTo(TASKS);
		assertThat(stats.releases()).isEqualTo(TASKS);
		assertThat(stats.held()).isZero();
		assertThat(stats.bytesInUse()).isZero();
		// the shared pool still serves them
		assertThat(stats.recycled()).isPositive();
		// platform threads each get their own cache
		int platformThreads = 4;
		CountDownLatch used = new CountDownLatch(platformThreads);
		CountDownLatch finish = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < platformThreads; i++) {
			Thread thread = new Thread(() -> {
				allocator.allocate(1000).release();
				used.countDown();
				await(finish);
			});
			thread.start();
			threads.add(thread);
		}
		assertThat(used.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(threadCaches(allocator)).isEqualTo(platformThreads);
		finish.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
	}

	@Test
	void sharedAgentReusesMemoryAcrossVirtualThreads() throws Exception {
		PosmAllocator allocator = Allocators.recycling("virtual-agent").build();
		Agent agent = new Agents(allocator).agent("virtual");
		HeldBlocks held = new HeldBlocks();
		runOnVirtualThreads((task) -> {
			String holder = "task " + task;
			long seed = BlockPattern.seed(task, 1, 0);
			try (Operation operation = agent.begin()) {
				Posm posm = operation.allocate(4000);
				held.taken(posm, holder);
				BlockPattern.write(posm.buffer(), seed);
				if (BlockPattern.firstDamage(posm.buffer(), seed) >= 0) {
					held.failure(posm + " of " + holder + " was changed by someone else");
				}
				held.givenBack(posm, holder);
				posm.release();
			}
		});
		assertThat(held.failures()).isEmpty();
		assertThat(threadCaches(allocator)).isZero();
		AllocatorStats stats = allocator.stats();
		// about one block per carrier thread, then reuse
		assertThat(stats.fresh()).isBetween(1L, 4L * Runtime.getRuntime().availableProcessors());
		AgentStats agentStats = agent.stats();
		assertThat(agentStats.operations()).isEqualTo(TASKS);
		assertThat(agentStats.activeOperations()).isZero();
		assertThat(agentStats.allocations()).isEqualTo(TASKS);
		assertThat(agentStats.recycled()).isEqualTo(TASKS - stats.fresh());
		assertThat(agentStats.bytesInUse()).isZero();
		assertThat(agentStats.peakBytesInUse()).isLessThanOrEqualTo(stats.fresh() * 4096);
		assertThat(stats.held()).isZero();
		assertThat(agent.cachedBytes()).isPositive();
	}

	private static void runOnVirtualThreads(IntConsumer task) throws Exception {
		ExecutorService executor = newVirtualThreadPerTaskExecutor();
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < TASKS; i++) {
				int number = i;
				done.add(executor.submit(() -> task.accept(number)));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdown();
			assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		}
	}

	private static ExecutorService newVirtualThreadPerTaskExecutor() {
		try {
			MethodHandle factory = MethodHandles.publicLookup()
				.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
			return (ExecutorService) factory.invokeExact();
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor() is not available", ex);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int threadCaches(PosmAllocator allocator) {
		return (Integer) allocator.describe().get("threadCaches");
	}

}
