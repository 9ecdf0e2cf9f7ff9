package dev.posm;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for stale {@link Posm} handles: what a holder that goes on using a handle after
 * releasing it gets, with and without {@link LeakDetection#PARANOID paranoid} leak
 * detection.
 *
 * @author posm
 */
class StaleHandleTests {

	private static final long SECONDS = Long.getLong("stress.seconds", 2);

	private final Logger misuseLogger = Logger.getLogger("dev.posm.misuse");

	private final List<LogRecord> records = new ArrayList<>();

	private final Handler capture = new Handler() {

		@Override
		public void publish(LogRecord record) {
			synchronized (StaleHandleTests.this.records) {
				StaleHandleTests.this.records.add(record);
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	@BeforeEach
	void captureMisuseLog() {
		this.misuseLogger.setUseParentHandlers(false);
		this.misuseLogger.addHandler(this.capture);
	}

	@AfterEach
	void restoreMisuseLog() {
		this.misuseLogger.removeHandler(this.capture);
		this.misuseLogger.setUseParentHandlers(true);
	}

	@Test
	void byDefaultAHandleIsReusedWithItsBlockSoAStaleCallIsCaughtOnlyUntilThen() {
		PosmAllocator allocator = Allocators.pooled("reused").build();
		Posm first = allocator.allocate(4096);
		first.release();
		assertThatIllegalStateException().isThrownBy(first::release).withMessageContaining("released already");
		assertThatIllegalStateException().isThrownBy(first::buffer).withMessageContaining("which was released");
		Posm second = allocator.allocate(4096);
		// the documented limit: the same handle, so a stale call now acts on the new lease
		assertThat(second).isSameAs(first);
		second.release();
		assertThat(this.records).isEmpty();
		allocator.close();
	}

	@Test
	void paranoidGivesEveryLeaseItsOwnHandleAndLogsWhereAStaleOneWasTakenAndReleased() {
		PosmAllocator allocator = Allocators.pooled("paranoid").leakDetection(LeakDetection.PARANOID).build();
		Posm first = allocator.allocate(4096);
		ByteBuffer memory = first.buffer();
		releaseHere(first);
		Posm second = allocator.allocate(4096);
		assertThat(second).isNotSameAs(first);
		assertThat(second.buffer()).isSameAs(memory);
		assertThatIllegalStateException().isThrownBy(first::release).withMessageContaining("released already");
		assertThatIllegalStateException().isThrownBy(first::buffer).withMessageContaining("which was released");
		first.close();
		// the next holder's lease is untouched
		assertThat(second.buffer().limit()).isEqualTo(4096);
		assertThat(allocator.stats().bytesInUse()).isEqualTo(4096);
		second.release();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 1, 1, 2, 0, 0, 4096, 4096));
		assertThat(this.records).hasSize(2);
		for (LogRecord record : this.records) {
			Throwable[] where = record.getThrown().getSuppressed();
			assertThat(where).hasSize(2);
			assertThat(where[0]).hasMessage("POSM taken here");
			assertThat(stackOf(where[0])).contains("paranoidGivesEveryLeaseItsOwnHandle");
			assertThat(where[1]).hasMessage("POSM released here");
			assertThat(stackOf(where[1])).contains("releaseHere");
		}
		allocator.close();
	}

	@Test
	void underParanoidNoStaleCallOfEightThreadsEverTakesALeaseFromItsHolder() throws Exception {
		PosmAllocator allocator = Allocators.recycling("paranoid-misuse")
			.leakDetection(LeakDetection.PARANOID)
			.maxBlockSize(64 * 1024)
			.maxRetained(1 << 20)
			.build();
		Agents agents = Agents.builder(allocator).build();
		HeldBlocks held = new HeldBlocks();
		AtomicLong refused = new AtomicLong();
		Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
		List<Thread> threads = new ArrayList<>();
		this.misuseLogger.removeHandler(this.capture);
		for (int t = 0; t < 8; t++) {
			int thread = t;
			threads.add(new Thread(() -> {
				SplittableRandom random = new SplittableRandom(thread);
				Agent agent = agents.open("misuse");
				List<Posm> stale = new ArrayList<>();
				try {
					for (long iteration = 0; System.nanoTime() < deadline; iteration++) {
						String holder = "thread " + thread;
						long seed = BlockPattern.seed(thread, iteration, 0);
						try (Operation operation = agent.begin()) {
							Posm posm = (random.nextBoolean() ? operation.allocate(4096) : allocator.allocate(4096));
							held.taken(posm, holder);
							BlockPattern.write(posm.buffer(), seed);
							// 10 % of the time, a stale handle of an earlier lease is used
							if (!stale.isEmpty() && random.nextInt(10) == 0) {
								Posm old = stale.get(random.nextInt(stale.size()));
								try {
									if (random.nextBoolean()) {
										old.release();
									}
									else {
										old.buffer().putLong(0, -1);
									}
									errors.add(new AssertionError("a stale handle was accepted"));
								}
								catch (IllegalStateException expected) {
									refused.incrementAndGet();
								}
							}
							Thread.yield();
							if (BlockPattern.firstDamage(posm.buffer(), seed) >= 0) {
								held.failure(posm + " of " + holder + " was changed by someone else");
							}
							held.givenBack(posm, holder);
							posm.release();
							stale.add(posm);
							if (stale.size() > 16) {
								stale.remove(0);
							}
						}
					}
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
				finally {
					agent.close();
				}
			}, "misuse-" + t));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(errors).isEmpty();
		assertThat(held.failures()).isEmpty();
		assertThat(refused.get()).isPositive();
		AllocatorStats stats = allocator.stats();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.allocations()).isEqualTo(stats.releases()).isPositive();
		assertThat(stats.reclaimed()).isZero();
		Reference.reachabilityFence(agents);
		allocator.close();
	}

	private static void releaseHere(Posm posm) {
		posm.release();
	}

	private static String stackOf(Throwable ex) {
		StringBuilder stack = new StringBuilder();
		for (StackTraceElement element : ex.getStackTrace()) {
			stack.append(element).append('\n');
		}
		return stack.toString();
	}

}
