package dev.posm;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.posm.alloc.DirectMemory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Platform threads hammering one pooled allocator, one recycling allocator, one shared
 * agent and one operation shared by several threads. Every holder fills its whole block
 * with its own pattern, yields, and checks the pattern before giving the block back; a
 * block held by two owners at once, a counter out of balance or retained memory above
 * {@code maxRetained} fails the test. Each scenario runs {@code stress.seconds}
 * (default 2); set it higher to run long.
 *
 * @author posm
 */
class ConcurrencyTests {

	private static final long SECONDS = Long.getLong("stress.seconds", 2);

	private static final int THREADS = Math.max(8, Runtime.getRuntime().availableProcessors());

	private static final int MAX_BLOCK_SIZE = 16 * 1024;

	/** Small: a few blocks per class, so that the bound is hit all the time. */
	private static final long MAX_RETAINED = 64 * 1024;

	/** Around the class boundaries and around {@link #MAX_BLOCK_SIZE}. */
	private static final int[] SIZES = { 0, 1, 64, 65, 1000, 4096, 4097, MAX_BLOCK_SIZE, MAX_BLOCK_SIZE + 1, 30_000 };

	@Test
	void pooledAllocatorKeepsBlocksApartAndCountsExactly() throws Exception {
		PosmAllocator allocator = Allocators.pooled("hammered-pool")
			.maxBlockSize(MAX_BLOCK_SIZE)
			.maxRetained(MAX_RETAINED)
			.build();
		hammerAllocator(allocator);
	}

	@Test
	void recyclingAllocatorKeepsBlocksApartAndCountsExactly() throws Exception {
		PosmAllocator allocator = Allocators.recycling("hammered-recycling")
			.maxBlockSize(MAX_BLOCK_SIZE)
			.maxRetained(MAX_RETAINED)
			.threadCacheBlocks(2)
			.build();
		hammerAllocator(allocator);
	}

	private void hammerAllocator(PosmAllocator allocator) throws Exception {
		HeldBlocks held = new HeldBlocks();
		LongAdder allocations = new LongAdder();
		Stress stress = new Stress(() -> allocator.stats().retainedBytes());
		stress.run((thread, iteration, random) -> {
			String holder = "thread " + thread;
			Posm[] posms = new Posm[1 + random.nextInt(3)];
			for (int k = 0; k < posms.length; k++) {
				int size = SIZES[random.nextInt(SIZES.length)];
				posms[k] = allocator.allocate(size);
				allocations.increment();
				take(held, posms[k], size, holder, BlockPattern.seed(thread, iteration, k));
			}
			Thread.yield();
			for (int k = 0; k < posms.length; k++) {
				giveBack(held, posms[k], holder, BlockPattern.seed(thread, iteration, k));
				posms[k].release();
			}
		});
		stress.assertNoErrors();
		assertThat(held.failures()).isEmpty();
		assertThat(held.size()).isZero();
		AllocatorStats stats = allocator.stats();
		assertThat(stats.allocations()).isEqualTo(allocations.sum()).isEqualTo(stats.recycled() + stats.fresh());
		assertThat(stats.releases()).isEqualTo(allocations.sum());
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.held()).isZero();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.recycled()).isPositive();
		assertThat(stats.peakBytesInUse()).isPositive().isLessThanOrEqualTo(THREADS * 3L * 32 * 1024);
		assertThat(stats.retainedBytes()).isBetween(0L, MAX_RETAINED);
		assertThat(stress.highestSample()).as("retained bytes ever sampled").isLessThanOrEqualTo(MAX_RETAINED);
		// the counter matched what was really kept: giving it all back brings it to 0
		allocator.trim();
		assertThat(allocator.stats().retainedBytes()).isZero();
		stress.keepThreadsUntilHere();
	}

	@Test
	void sharedAndOpenedAgentsKeepBlocksApartAndCountExactly() throws Exception {
		PosmAllocator allocator = Allocators.recycling("hammered-agents")
			.maxBlockSize(MAX_BLOCK_SIZE)
			.maxRetained(MAX_RETAINED)
			.build();
		Agents agents = Agents.builder(allocator).cacheBlocks("hammer", 4).build();
		Agent shared = agents.agent("hammer");
		Agent[] opened = new Agent[THREADS];
		HeldBlocks held = new HeldBlocks();
		LongAdder operations = new LongAdder();
		LongAdder failed = new LongAdder();
		LongAdder allocations = new LongAdder();
		LongAdder released = new LongAdder();
		LongAdder leftToClose = new LongAdder();
		Stress stress = new Stress(() -> allocator.stats().retainedBytes());
		stress.run((thread, iteration, random) -> {
			// even threads are one connection each (an opened agent), odd ones share the agent
			Agent agent = shared;
			if (thread % 2 == 0) {
				if (opened[thread] == null) {
					opened[thread] = agents.open("hammer");
				}
				agent = opened[thread];
			}
			String holder = "thread " + thread;
			boolean bound = random.nextBoolean();
			Operation operation = agent.begin();
			operations.increment();
			Operation previous = bound ? Posms.setCurrentOperation(operation) : null;
			try {
				Posm[] posms = new Posm[1 + random.nextInt(3)];
				for (int k = 0; k < posms.length; k++) {
					int size = SIZES[random.nextInt(SIZES.length)];
					posms[k] = bound ? Posms.allocate(size) : operation.allocate(size);
					allocations.increment();
					take(held, posms[k], size, holder, BlockPattern.seed(thread, iteration, k));
				}
				Thread.yield();
				for (int k = 0; k < posms.length; k++) {
					giveBack(held, posms[k], holder, BlockPattern.seed(thread, iteration, k));
					if (random.nextInt(4) == 0) {
						leftToClose.increment();
					}
					else {
						posms[k].release();
						released.increment();
					}
				}
				if (random.nextInt(10) == 0) {
					operation.markFailed();
					failed.increment();
				}
			}
			finally {
				if (bound) {
					Posms.setCurrentOperation(previous);
				}
				operation.close();
			}
		});
		stress.assertNoErrors();
		assertThat(held.failures()).isEmpty();
		AgentStats agentStats = shared.stats();
		assertThat(agentStats.operations()).isEqualTo(operations.sum());
		assertThat(agentStats.activeOperations()).isZero();
		assertThat(agentStats.failedOperations()).isEqualTo(failed.sum());
		assertThat(agentStats.allocations()).isEqualTo(allocations.sum());
		assertThat(agentStats.reclaimed()).isEqualTo(leftToClose.sum());
		assertThat(agentStats.bytesInUse()).isZero();
		assertThat(agentStats.recycled()).isPositive();
		AllocatorStats stats = allocator.stats();
		assertThat(stats.allocations()).isEqualTo(allocations.sum());
		assertThat(stats.releases()).isEqualTo(released.sum());
		assertThat(stats.reclaimed()).isEqualTo(leftToClose.sum());
		assertThat(stats.held()).isZero();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stress.highestSample()).as("retained bytes ever sampled").isLessThanOrEqualTo(MAX_RETAINED);
		long cached = shared.cachedBytes();
		for (Agent agent : opened) {
			if (agent != null) {
				cached += agent.cachedBytes();
				agent.close();
				assertThat(agent.cachedBytes()).isZero();
			}
		}
		assertThat(cached).isPositive();
		assertThat(agents.openCount("hammer")).isZero();
		assertThat(allocator.stats().retainedBytes()).isBetween(0L, MAX_RETAINED);
		stress.keepThreadsUntilHere();
	}

	@Test
	void operationClosedWhileItsThreadsStillTakeAndRelease() throws Exception {
		// unpooled, no agent cache: a handle is never leased again, so a release that loses
		// against close() must throw rather than touch another holder's block
		PosmAllocator allocator = Allocators.unpooled("racing-close").build();
		Agent agent = Agents.builder(allocator).defaultCacheBlocks(0).build().agent("split");
		int workers = 4;
		ExecutorService executor = Executors.newFixedThreadPool(workers);
		Queue<String> failures = new ConcurrentLinkedQueue<>();
		AtomicLong taken = new AtomicLong();
		AtomicLong released = new AtomicLong();
		AtomicLong lostToClose = new AtomicLong();
		SplittableRandom random = new SplittableRandom();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
		int rounds = 0;
		try {
			while (System.nanoTime() < deadline) {
				rounds++;
				Operation operation = agent.begin();
				List<Future<?>> work = new ArrayList<>();
				for (int w = 0; w < workers; w++) {
					int worker = w;
					long round = rounds;
					work.add(executor.submit(() -> takeUntilClosed(operation, worker, round, taken, released,
							lostToClose, failures)));
				}
				LockSupport.parkNanos(random.nextLong(20_000, 500_000));
				operation.close();
				for (Future<?> done : work) {
					done.get(30, TimeUnit.SECONDS);
				}
				AllocatorStats stats = allocator.stats();
				assertThat(stats.held()).isZero();
				assertThat(stats.bytesInUse()).isZero();
				assertThat(stats.reclaimed()).isEqualTo(taken.get() - released.get());
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(failures).isEmpty();
		assertThat(rounds).isPositive();
		AgentStats agentStats = agent.stats();
		assertThat(agentStats.operations()).isEqualTo(rounds);
		assertThat(agentStats.activeOperations()).isZero();
		assertThat(agentStats.bytesInUse()).isZero();
		assertThat(agentStats.reclaimed()).isEqualTo(allocator.stats().reclaimed());
		assertThat(lostToClose.get()).isLessThanOrEqualTo(agentStats.reclaimed());
	}

	private static void takeUntilClosed(Operation operation, int worker, long round, AtomicLong taken,
			AtomicLong released, AtomicLong lostToClose, Queue<String> failures) {
		SplittableRandom random = new SplittableRandom();
		for (long iteration = 0;; iteration++) {
			Posm posm;
			try {
				posm = operation.allocate(SIZES[random.nextInt(SIZES.length)]);
			}
			catch (IllegalStateException ex) {
				if (!operation.isClosed() || !ex.getMessage().contains("has completed")) {
					failures.add("allocate: " + ex);
				}
				return;
			}
			taken.incrementAndGet();
			ByteBuffer memory;
			try {
				memory = posm.buffer();
			}
			catch (IllegalStateException ex) {
				// reclaimed before we even looked: the operation completed
				lostToClose.incrementAndGet();
				continue;
			}
			long seed = BlockPattern.seed(worker, round * 1_000_000 + iteration, 0);
			int damage;
			try {
				BlockPattern.write(memory, seed);
				Thread.yield();
				damage = BlockPattern.firstDamage(memory, seed);
			}
			catch (IllegalStateException ex) {
				// reclaimed while we used it, and its memory freed at once (Java 25): the access
				// throws rather than touching freed memory
				if (!operation.isClosed() || !DirectMemory.freesAtOnce()) {
					failures.add("access: " + ex);
				}
				lostToClose.incrementAndGet();
				continue;
			}
			if (damage >= 0) {
				failures.add(posm + " damaged at " + damage);
			}
			try {
				posm.release();
				released.incrementAndGet();
			}
			catch (IllegalStateException ex) {
				lostToClose.incrementAndGet();
				if (!operation.isClosed() || !ex.getMessage().contains("reclaimed it")) {
					failures.add("release: " + ex);
				}
			}
		}
	}

	private static void take(HeldBlocks held, Posm posm, int size, String holder, long seed) {
		ByteBuffer buffer = posm.buffer();
		if (buffer.position() != 0 || buffer.limit() != size || posm.size() != size) {
			held.failure(holder + " got " + buffer + " for " + size + " bytes");
		}
		held.taken(posm, holder);
		BlockPattern.write(buffer, seed);
	}

	private static void giveBack(HeldBlocks held, Posm posm, String holder, long seed) {
		int damage = BlockPattern.firstDamage(posm.buffer(), seed);
		if (damage >= 0) {
			held.failure(posm + " of " + holder + " was changed by someone else at byte " + damage);
		}
		held.givenBack(posm, holder);
	}

	/**
	 * Runs a worker on {@link #THREADS} platform threads for the configured time while a
	 * sampler watches one value.
	 */
	private static final class Stress {

		private final LongSupplier sampled;

		private final AtomicLong highest = new AtomicLong(Long.MIN_VALUE);

		private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		Stress(LongSupplier sampled) {
			this.sampled = sampled;
		}

		void run(Worker worker) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
			AtomicBoolean running = new AtomicBoolean(true);
			Thread sampler = new Thread(() -> {
				while (running.get()) {
					this.highest.accumulateAndGet(this.sampled.getAsLong(), Math::max);
					LockSupport.parkNanos(20_000);
				}
			}, "sampler");
			sampler.start();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				this.threads.add(new Thread(() -> {
					SplittableRandom random = new SplittableRandom();
					try {
						for (long iteration = 0; System.nanoTime() < deadline; iteration++) {
							worker.work(thread, iteration, random);
						}
					}
					catch (Throwable ex) {
						this.errors.add(ex);
					}
				}, "stress-" + t));
			}
			this.threads.forEach(Thread::start);
			for (Thread thread : this.threads) {
				thread.join(TimeUnit.SECONDS.toMillis(SECONDS + 60));
			}
			running.set(false);
			sampler.join();
			this.highest.accumulateAndGet(this.sampled.getAsLong(), Math::max);
		}

		void assertNoErrors() {
			assertThat(this.errors).isEmpty();
			assertThat(this.threads).noneMatch(Thread::isAlive);
		}

		long highestSample() {
			return this.highest.get();
		}

		/**
		 * Keep the dead threads reachable until here: a recycling allocator returns a dead
		 * thread's cache to its pool when the thread is collected, which would race the
		 * final checks.
		 */
		void keepThreadsUntilHere() {
			Reference.reachabilityFence(this.threads);
		}

	}

	@FunctionalInterface
	private interface Worker {

		void work(int thread, long iteration, SplittableRandom random) throws Exception;

	}

}
