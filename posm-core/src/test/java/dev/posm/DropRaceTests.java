package dev.posm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import dev.posm.alloc.DirectMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stress test of drops racing use: worker threads take, fill, check and release
 * direct POSMs of allocators that drop blocks all the time (unpooled, pools far too
 * small, an allocator closed under them every few milliseconds, trims), while other
 * threads go on reading, writing and writing to a file the views those workers kept
 * past their releases. Whatever the JDK, no live lease is ever damaged and every
 * allocator balances; where {@link DirectMemory#freesAtOnce()}, stale accesses to freed
 * memory throw {@link IllegalStateException} (and never crash the JVM).
 *
 * @author posm
 */
class DropRaceTests {

	private static final long SECONDS = Long.getLong("stress.seconds", 2);

	private static final int MAX_BLOCK_SIZE = 64 * 1024;

	/** The last size is over {@link #MAX_BLOCK_SIZE}: never pooled, dropped at each release. */
	private static final int[] SIZES = { 1024, 4096, 16 * 1024, MAX_BLOCK_SIZE, 100 * 1024 };

	private static final int WORKERS = 4;

	private static final int STALE_USERS = 2;

	@TempDir
	Path directory;

	private final PosmAllocator unpooled = Allocators.unpooled("race-unpooled").build();

	private final PosmAllocator pooled = Allocators.pooled("race-pooled")
		.maxBlockSize(MAX_BLOCK_SIZE)
		.maxRetained(4 * MAX_BLOCK_SIZE)
		.build();

	private final PosmAllocator recycling = Allocators.recycling("race-recycling")
		.maxBlockSize(MAX_BLOCK_SIZE)
		.maxRetained(4 * MAX_BLOCK_SIZE)
		.threadCacheBlocks(1)
		.build();

	/** Replaced and closed every few milliseconds while the workers take from it. */
	private final AtomicReference<PosmAllocator> shortLived = new AtomicReference<>(shortLived(0));

	private final List<PosmAllocator> closed = new CopyOnWriteArrayList<>();

	private final Agents agents = Agents.builder(this.pooled).build();

	private final BlockingQueue<Stale> stale = new ArrayBlockingQueue<>(1024);

	private final Queue<String> failures = new ConcurrentLinkedQueue<>();

	private final LongAdder staleAccesses = new LongAdder();

	private final LongAdder staleRefused = new LongAdder();

	private final LongAdder leases = new LongAdder();

	@Test
	void dropsRacingUseNeverDamageALeaseAndStaleViewsNeverReachFreedMemory() throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < WORKERS; w++) {
			int worker = w;
			threads.add(new Thread(() -> work(worker, deadline), "worker-" + w));
		}
		for (int u = 0; u < STALE_USERS; u++) {
			Path file = this.directory.resolve("stale-" + u);
			threads.add(new Thread(() -> useStaleViews(file, deadline), "stale-" + u));
		}
		threads.add(new Thread(() -> trimAndClose(deadline), "trim-and-close"));
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(SECONDS + 60));
			assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
		}
		assertThat(this.failures).isEmpty();
		assertThat(this.leases.sum()).isPositive();
		assertThat(this.staleAccesses.sum()).isPositive();
		if (DirectMemory.freesAtOnce()) {
			assertThat(this.staleRefused.sum()).as("stale accesses to freed memory refused").isPositive();
		}
		else {
			assertThat(this.staleRefused.sum()).as("stale accesses refused").isZero();
		}
		this.closed.add(this.shortLived.get());
		for (PosmAllocator allocator : allOf()) {
			AllocatorStats stats = allocator.stats();
			assertThat(stats.held()).as("%s held", allocator).isZero();
			assertThat(stats.bytesInUse()).as("%s bytes in use", allocator).isZero();
			assertThat(stats.allocations()).as("%s allocations", allocator).isEqualTo(stats.releases());
		}
		assertThat(this.pooled.stats().retainedBytes()).isLessThanOrEqualTo(4 * MAX_BLOCK_SIZE);
		AgentStats agentStats = this.agents.agent("race").stats();
		assertThat(agentStats.activeOperations()).isZero();
		assertThat(agentStats.bytesInUse()).isZero();
		assertThat(agentStats.reclaimed()).isZero();
	}

	private List<PosmAllocator> allOf() {
		List<PosmAllocator> all = new ArrayList<>(List.of(this.unpooled, this.pooled, this.recycling));
		all.addAll(this.closed);
		return all;
	}

	private void work(int worker, long deadline) {
		SplittableRandom random = new SplittableRandom(worker);
		try (Agent agent = this.agents.open("race")) {
			for (long iteration = 0; System.nanoTime() < deadline; iteration++) {
				int size = SIZES[random.nextInt(SIZES.length)];
				int from = random.nextInt(5);
				Operation operation = (from == 4) ? agent.begin() : null;
				Posm posm = (operation != null) ? operation.allocate(size) : allocator(from).allocate(size);
				this.leases.increment();
				ByteBuffer memory = posm.buffer();
				long seed = BlockPattern.seed(worker, iteration, 0);
				BlockPattern.write(memory, seed);
				if (random.nextInt(4) == 0) {
					Thread.yield();
				}
				int damage = BlockPattern.firstDamage(memory, seed);
				if (damage >= 0) {
					this.failures.add(posm + " of " + Thread.currentThread().getName() + " damaged at " + damage);
				}
				ByteBuffer view = memory.duplicate();
				posm.release();
				if (operation != null) {
					operation.close();
				}
				// unpooled memory is never handed out again: a stale write there reaches nobody's lease
				this.stale.offer(new Stale(view, from == 0));
			}
		}
		catch (RuntimeException | Error ex) {
			this.failures.add(Thread.currentThread().getName() + ": " + ex);
		}
	}

	private PosmAllocator allocator(int from) {
		return switch (from) {
			case 0 -> this.unpooled;
			case 1 -> this.pooled;
			case 2 -> this.recycling;
			default -> this.shortLived.get();
		};
	}

	private void useStaleViews(Path path, long deadline) {
		SplittableRandom random = new SplittableRandom();
		try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			while (System.nanoTime() < deadline) {
				Stale view = this.stale.poll(1, TimeUnit.MILLISECONDS);
				if (view != null) {
					use(view, file, random);
				}
			}
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			this.failures.add(Thread.currentThread().getName() + ": " + ex);
		}
	}

	private void use(Stale view, FileChannel file, SplittableRandom random) throws IOException {
		ByteBuffer buffer = view.buffer();
		this.staleAccesses.increment();
		try {
			long read = buffer.getLong(0) + buffer.get(random.nextInt(buffer.capacity()));
			if (view.writable()) {
				buffer.putLong(buffer.capacity() - Long.BYTES, read);
			}
			if (random.nextInt(8) == 0) {
				// the JDK holds the memory while it writes: a drop meanwhile must leave it be
				file.write(buffer.duplicate().clear(), 0);
			}
		}
		catch (IllegalStateException ex) {
			this.staleRefused.increment();
			if (!DirectMemory.freesAtOnce() || !String.valueOf(ex.getMessage()).contains("closed")) {
				this.failures.add("stale access: " + ex);
			}
		}
	}

	private void trimAndClose(long deadline) {
		try {
			for (int round = 1; System.nanoTime() < deadline; round++) {
				this.pooled.trim();
				this.recycling.trim();
				if (round % 16 == 0) {
					PosmAllocator previous = this.shortLived.getAndSet(shortLived(round));
					// the workers may still take from it and give back to it: closed, it drops what comes back
					previous.close();
					this.closed.add(previous);
				}
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
			}
		}
		catch (RuntimeException ex) {
			this.failures.add(Thread.currentThread().getName() + ": " + ex);
		}
	}

	private static PosmAllocator shortLived(int round) {
		return (round % 32 == 0)
				? Allocators.slab("race-slab-" + round).slabSize(256 * 1024).maxBlockSize(MAX_BLOCK_SIZE).build()
				: Allocators.pooled("race-short-" + round).maxBlockSize(MAX_BLOCK_SIZE).build();
	}

	/**
	 * A view of a released POSM's memory, and whether writing to it harms nobody.
	 */
	private record Stale(ByteBuffer buffer, boolean writable) {

	}

}
