package dev.posm.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The price of each kind of step a pool's hot path is made of, on this machine: an
 * atomic add, a {@link LongAdder} increment, a compare-and-set pair (take a slot, put it
 * back), an uncontended monitor, a plain field update. A take-and-release costs about
 * the sum of its steps, which tells where the time of {@link TakeTouchReleaseBenchmark}
 * goes. With two threads every step touches state the other thread writes too, as the
 * shared counters of a pool do.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public abstract class HotPathPrimitivesBenchmark {

	private final AtomicLong atomic = new AtomicLong();

	private final LongAdder adder = new LongAdder();

	private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(new Object[] { new Object() });

	private final Object monitor = new Object();

	private long plain;

	private long guarded;

	@Benchmark
	public long plainIncrement() {
		return ++this.plain;
	}

	@Benchmark
	public long atomicAddAndGet() {
		return this.atomic.addAndGet(1);
	}

	@Benchmark
	public void longAdderIncrement() {
		this.adder.increment();
	}

	/**
	 * Take the block out of a slot and put it back: what a free list does per take and
	 * release.
	 */
	@Benchmark
	public boolean compareAndSetPair() {
		Object block = this.slots.get(0);
		if (block != null && this.slots.compareAndSet(0, block, null)) {
			return this.slots.compareAndSet(0, null, block);
		}
		return false;
	}

	@Benchmark
	public long synchronizedIncrement() {
		synchronized (this.monitor) {
			return ++this.guarded;
		}
	}

	/**
	 * Each step on one thread.
	 */
	@Threads(1)
	public static class OneThread extends HotPathPrimitivesBenchmark {

	}

	/**
	 * Each step by two threads on the same state.
	 */
	@Threads(2)
	public static class TwoThreads extends HotPathPrimitivesBenchmark {

	}

}
