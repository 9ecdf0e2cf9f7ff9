package dev.posm.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a block costs when posm drops it rather than keeping it: a direct POSM taken,
 * touched and released where every release drops the block (an {@code unpooled}
 * allocator, a {@code pooled} one with {@code max-retained} 0, a trim of kept blocks),
 * next to a pooled allocator that keeps its blocks and to the JDK's own
 * {@code allocateDirect}, which the collector frees.
 * <p>
 * Run it on Java 17 (memory of dropped blocks freed by the collector) and on Java 25
 * (freed at once), or on Java 25 twice, the second time with
 * {@code -jvmArgsAppend -Ddev.posm.direct-memory.free-at-once=false}; see the module's README.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@State(Scope.Benchmark)
public abstract class DropBenchmark {

	/** Blocks a trim drops at once in {@link #pooledTrim}. */
	static final int TRIMMED = 16;

	/** The size asked for: a page-sized read buffer and a large transfer chunk. */
	@Param({ "4096", "65536" })
	int size;

	/** What is written: not a constant, so that nothing is folded. */
	long stamp = System.nanoTime();

	/**
	 * An {@code unpooled} direct allocator: every release drops its block.
	 */
	@Benchmark
	public ByteBuffer unpooledDirect(Pools pools) {
		return takeTouchRelease(pools.unpooled);
	}

	/**
	 * A {@code pooled} direct allocator that may keep nothing ({@code max-retained} 0):
	 * every release is over {@code max-retained} and drops its block.
	 */
	@Benchmark
	public ByteBuffer pooledOverMaxRetained(Pools pools) {
		return takeTouchRelease(pools.keepingNothing);
	}

	/**
	 * A {@code pooled} direct allocator with its defaults: it keeps its blocks, nothing
	 * is dropped. The steady state the others are compared to.
	 */
	@Benchmark
	public ByteBuffer pooledKept(Pools pools) {
		return takeTouchRelease(pools.pooled);
	}

	/**
	 * {@value #TRIMMED} blocks taken and released into a {@code pooled} allocator, then
	 * a trim that drops them all; the score is per block.
	 */
	@Benchmark
	@OperationsPerInvocation(TRIMMED)
	public long pooledTrim(Trimmed trimmed) {
		Posm[] posms = trimmed.posms;
		for (int i = 0; i < TRIMMED; i++) {
			posms[i] = trimmed.allocator.allocate(this.size);
			touch(posms[i].buffer());
		}
		for (int i = 0; i < TRIMMED; i++) {
			posms[i].release();
			posms[i] = null;
		}
		trimmed.allocator.trim();
		return trimmed.allocator.stats().retainedBytes();
	}

	/**
	 * A heap {@code unpooled} allocator: the collector frees what it drops, on every
	 * Java version.
	 */
	@Benchmark
	public ByteBuffer unpooledHeap(Pools pools) {
		return takeTouchRelease(pools.unpooledHeap);
	}

	/**
	 * A fresh direct buffer each time, freed by its cleaner after a collection: what
	 * {@code unpooled} did before it freed at once.
	 */
	@Benchmark
	public ByteBuffer jdkAllocateDirect() {
		ByteBuffer buffer = ByteBuffer.allocateDirect(this.size);
		touch(buffer);
		return buffer;
	}

	private ByteBuffer takeTouchRelease(PosmAllocator allocator) {
		Posm posm = allocator.allocate(this.size);
		ByteBuffer buffer = posm.buffer();
		touch(buffer);
		posm.release();
		return buffer;
	}

	private void touch(ByteBuffer buffer) {
		buffer.putLong(0, this.stamp);
		buffer.putLong(this.size - Long.BYTES, this.stamp);
	}

	/**
	 * The drops on one thread.
	 */
	@Threads(1)
	public static class OneThread extends DropBenchmark {

	}

	/**
	 * The drops of two threads at once, as many as this machine's cores: closing a
	 * shared arena reaches every thread.
	 */
	@Threads(2)
	public static class TwoThreads extends DropBenchmark {

	}

	static void checkBalancedAndClose(PosmAllocator allocator) {
		AllocatorStats stats = allocator.stats();
		if (stats.bytesInUse() != 0 || stats.allocations() != stats.releases()) {
			throw new IllegalStateException("Allocator '" + allocator.name() + "' did not balance: " + stats);
		}
		allocator.close();
	}

	/**
	 * The allocators the threads share, direct and with their default leak detection.
	 */
	@State(Scope.Benchmark)
	public static class Pools {

		final PosmAllocator unpooled = Allocators.unpooled("unpooled").build();

		final PosmAllocator keepingNothing = Allocators.pooled("keeping-nothing").maxRetained(0).build();

		final PosmAllocator pooled = Allocators.pooled("pooled").build();

		final PosmAllocator unpooledHeap = Allocators.unpooled("unpooled-heap").direct(false).build();

		/**
		 * Fail the trial if a benchmark left memory held.
		 */
		@TearDown(Level.Trial)
		public void checkBalanced() {
			checkBalancedAndClose(this.unpooled);
			checkBalancedAndClose(this.keepingNothing);
			checkBalancedAndClose(this.pooled);
			checkBalancedAndClose(this.unpooledHeap);
		}

	}

	/**
	 * A pooled allocator of each thread's own, and the POSMs it takes before a trim.
	 */
	@State(Scope.Thread)
	public static class Trimmed {

		final PosmAllocator allocator = Allocators.pooled("trimmed").build();

		final Posm[] posms = new Posm[TRIMMED];

		/**
		 * Fail the trial if the benchmark left memory held.
		 */
		@TearDown(Level.Trial)
		public void checkBalanced() {
			checkBalancedAndClose(this.allocator);
		}

	}

}
