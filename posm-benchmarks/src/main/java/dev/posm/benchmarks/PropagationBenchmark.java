package dev.posm.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What carrying the operation, and looking for a lost one, cost. A take outside every
 * operation through {@link Posms#allocate} (which checks whether the work left an
 * operation behind: here, with a shared agent's operation running, the whole check of a
 * plain thread) against the same take from {@link Posms#defaultAllocator()} (no check);
 * and a task handed over with {@link Posms#wrap(Runnable)} and run on the same thread,
 * taking one POSM from the carried operation, against the same take with the operation
 * bound by hand.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
@Threads(1)
@State(Scope.Benchmark)
public class PropagationBenchmark {

	private static final int SIZE = 4096;

	private final PosmAllocator fallback = Allocators.pooled("propagation-default").build();

	private final PosmAllocator allocator = Allocators.pooled("propagation").build();

	private final Agents agents = new Agents(this.allocator);

	private @Nullable PosmAllocator previousDefault;

	// begun for the whole trial: an operation the lost-operation check has to look at
	private final Operation running = this.agents.agent("running").begin();

	private final Operation carried = this.agents.agent("carried").begin();

	private final Runnable takeAndRelease = () -> touch(Posms.allocate(SIZE)).release();

	@Setup(Level.Trial)
	public void start() {
		this.previousDefault = Posms.setDefaultAllocator(this.fallback);
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.running.close();
		this.carried.close();
		Posms.restoreDefaultAllocator(this.fallback, this.previousDefault);
		if (this.fallback.stats().held() != 0 || this.allocator.stats().held() != 0) {
			throw new IllegalStateException("Expected every POSM back: " + this.fallback.stats() + ", "
					+ this.allocator.stats());
		}
	}

	@Benchmark
	public ByteBuffer outsideThroughPosms() {
		Posm posm = touch(Posms.allocate(SIZE));
		ByteBuffer buffer = posm.buffer();
		posm.release();
		return buffer;
	}

	@Benchmark
	public ByteBuffer outsideFromTheDefaultAllocator() {
		Posm posm = touch(Posms.defaultAllocator().allocate(SIZE));
		ByteBuffer buffer = posm.buffer();
		posm.release();
		return buffer;
	}

	@Benchmark
	public void wrappedTask() {
		Operation previous = Posms.setCurrentOperation(this.carried);
		Runnable task;
		try {
			task = Posms.wrap(this.takeAndRelease);
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
		task.run();
	}

	@Benchmark
	public void boundByHand() {
		Operation previous = Posms.setCurrentOperation(this.carried);
		try {
			this.takeAndRelease.run();
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
	}

	private static Posm touch(Posm posm) {
		posm.buffer().putLong(0, SIZE);
		return posm;
	}

}
