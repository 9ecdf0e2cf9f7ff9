package dev.posm.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.HeldBlocks;
import dev.posm.LeakDetection;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Netty buffers of many agents taken, grown, sliced and released on many threads, as
 * handlers hand buffers to workers: no block is held by two buffers at once, nobody
 * changes a buffer's bytes but its holder, and the counters balance. The agents close
 * while workers still hold their buffers. Each run lasts {@code stress.seconds}.
 *
 * @author posm
 */
class PosmByteBufStressTests {

	private static final long SECONDS = Long.getLong("stress.seconds", 2);

	private static final int LOOPS = 4;

	private static final int WORKERS = 4;

	/** Buffers waiting for a worker, at most: beyond it a loop releases its own. */
	private static final int BACKLOG = 2000;

	private final HeldBlocks held = new HeldBlocks();

	private final Queue<Handed> handed = new ConcurrentLinkedQueue<>();

	private final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();

	private final AtomicLong taken = new AtomicLong();

	private final AtomicLong released = new AtomicLong();

	@ParameterizedTest
	@EnumSource(value = LeakDetection.class, names = { "SIMPLE", "PARANOID" })
	void buffersHandedBetweenThreadsKeepTheirMemoryApartAndCountExactly(LeakDetection level) throws Exception {
		PosmAllocator allocator = Allocators.recycling("netty-stress").leakDetection(level).build();
		Agents agents = new Agents(allocator);
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < LOOPS; i++) {
			int loop = i;
			threads.add(new Thread(() -> guard(() -> runLoop(agents, loop, running)), "loop-" + i));
		}
		AtomicBoolean loopsDone = new AtomicBoolean();
		for (int i = 0; i < WORKERS; i++) {
			threads.add(new Thread(() -> guard(() -> runWorker(loopsDone)), "worker-" + i));
		}
		threads.forEach(Thread::start);
		Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
		running.set(false);
		for (Thread thread : threads.subList(0, LOOPS)) {
			thread.join(TimeUnit.SECONDS.toMillis(60));
		}
		loopsDone.set(true);
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(60));
		}
		assertThat(this.errors).isEmpty();
		assertThat(threads).noneMatch(Thread::isAlive);
		assertThat(this.held.failures()).isEmpty();
		assertThat(this.held.size()).isZero();
		assertThat(this.handed).isEmpty();
		assertThat(this.released.get()).isEqualTo(this.taken.get()).isGreaterThan(1000);
		AllocatorStats stats = allocator.stats();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.releases()).isEqualTo(stats.allocations()).isGreaterThanOrEqualTo(this.taken.get());
		assertThat(agents.agent("connection").stats().bytesInUse()).isZero();
		assertThat(agents.openCount("connection")).isZero();
		assertThat(agents.leaks("connection")).isZero();
		allocator.close();
	}

	/**
	 * An event loop: connection after connection, each an agent that takes buffers and
	 * hands most of them, or retained slices of them, to the workers.
	 */
	private void runLoop(Agents agents, int loop, AtomicBoolean running) {
		SplittableRandom random = new SplittableRandom(loop);
		for (long connection = 0; running.get(); connection++) {
			Agent agent = agents.open("connection");
			PosmByteBufAllocator allocator = new PosmByteBufAllocator(agent);
			allocator.serving("loop " + loop + " connection " + connection);
			int buffers = random.nextInt(20, 400);
			for (int i = 0; i < buffers; i++) {
				String holder = "loop-" + loop + "#" + connection + "." + i;
				ByteBuf buffer = random.nextBoolean() ? allocator.buffer(size(random))
						: allocator.directBuffer(size(random), 1 << 20);
				this.taken.incrementAndGet();
				Handed item = fill(new Handed(buffer, holder, random.nextLong()));
				if (random.nextInt(4) == 0) {
					item = grow(item, random);
				}
				if (this.handed.size() > BACKLOG || random.nextInt(8) == 0) {
					giveBack(item);
				}
				else if (random.nextInt(3) == 0) {
					// the slice keeps the memory: the loop's own reference goes before the
					// worker can see the slice, so that the worker's release is the last
					ByteBuf slice = buffer.retainedSlice(0, buffer.capacity());
					buffer.release();
					this.handed.add(new Handed(slice, item.posm, holder, item.seed));
				}
				else {
					this.handed.add(item);
				}
			}
			// closed while workers still hold its buffers
			agent.close();
		}
	}

	private void runWorker(AtomicBoolean loopsDone) {
		SplittableRandom random = new SplittableRandom();
		while (true) {
			Handed item = this.handed.poll();
			if (item == null) {
				if (loopsDone.get() && this.handed.isEmpty()) {
					return;
				}
				Thread.onSpinWait();
				continue;
			}
			check(item);
			if (item.buffer.unwrap() == null && random.nextInt(4) == 0) {
				// grown on another thread than its taker's: a take from the agent, or from its
				// allocator once the agent closed
				item = grow(item, random);
			}
			giveBack(item);
		}
	}

	private Handed grow(Handed item, SplittableRandom random) {
		check(item);
		this.held.givenBack(item.posm, item.holder);
		ByteBuf buffer = item.buffer;
		buffer.writerIndex(buffer.capacity());
		buffer.writeZero(random.nextInt(1, Math.max(2, Math.min(buffer.maxWritableBytes(), 70_000))));
		return fill(new Handed(buffer, item.holder, item.seed + 1));
	}

	private Handed fill(Handed item) {
		ByteBuf buffer = item.buffer;
		int capacity = buffer.capacity();
		int i = 0;
		for (; i + Long.BYTES <= capacity; i += Long.BYTES) {
			buffer.setLong(i, item.seed * 31 + i);
		}
		for (; i < capacity; i++) {
			buffer.setByte(i, (int) (item.seed + i));
		}
		this.held.taken(item.posm, item.holder);
		return item;
	}

	private void check(Handed item) {
		ByteBuf buffer = item.buffer;
		int capacity = buffer.capacity();
		int i = 0;
		for (; i + Long.BYTES <= capacity; i += Long.BYTES) {
			if (buffer.getLong(i) != item.seed * 31 + i) {
				this.held.failure(item.holder + ": byte " + i + " changed by someone else");
				return;
			}
		}
		for (; i < capacity; i++) {
			if (buffer.getByte(i) != (byte) (item.seed + i)) {
				this.held.failure(item.holder + ": byte " + i + " changed by someone else");
				return;
			}
		}
	}

	private void giveBack(Handed item) {
		check(item);
		this.held.givenBack(item.posm, item.holder);
		if (!item.buffer.release()) {
			this.held.failure(item.holder + ": the last release did not free the buffer");
		}
		this.released.incrementAndGet();
	}

	private static int size(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> random.nextInt(0, 100);
			case 1 -> random.nextInt(100, 5000);
			default -> random.nextInt(5000, 70_000);
		};
	}

	private void guard(Runnable work) {
		try {
			work.run();
		}
		catch (Throwable ex) {
			this.errors.add(ex);
		}
	}

	/**
	 * A buffer on its way to a worker, the POSM behind it, and the pattern it holds.
	 */
	private record Handed(ByteBuf buffer, Posm posm, String holder, long seed) {

		Handed(ByteBuf buffer, String holder, long seed) {
			this(buffer, posmOf(buffer), holder, seed);
		}

		private static Posm posmOf(ByteBuf buffer) {
			Posm posm = ((PosmByteBuf) buffer).posm();
			assertThat(posm).isNotNull();
			return posm;
		}

	}

}
