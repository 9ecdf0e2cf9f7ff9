package dev.posm.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Where posm's take-and-release spends its time: the loop of
 * {@link TakeTouchReleaseBenchmark#posmAgentLongOperation} on two threads, with less
 * and less state shared between them, and {@code pooled} with and without leak
 * detection. Not part of the comparison with other pools: a tool for whoever makes
 * posm-core faster.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Threads(2)
@State(Scope.Benchmark)
public class PosmSharingBenchmark {

	@Param("4096")
	int size;

	long stamp = System.nanoTime();

	final PosmAllocator sharedAllocator = Allocators.pooled("shared").build();

	final Agents agents = Agents.builder(this.sharedAllocator).build();

	final PosmAllocator pooled = Allocators.pooled("pooled").build();

	final PosmAllocator pooledWithoutLeakDetection = Allocators.pooled("pooled-without-leak-detection")
		.leakDetection(LeakDetection.DISABLED)
		.build();

	/**
	 * Both threads' agents have one name (one set of agent counters) and one allocator,
	 * as in {@link TakeTouchReleaseBenchmark}.
	 */
	@Benchmark
	public ByteBuffer agentsOfOneName(Chains chains) {
		return takeTouchRelease(chains.oneName);
	}

	/**
	 * Each thread's agent has its own name, so its own agent counters; the allocator
	 * is shared.
	 */
	@Benchmark
	public ByteBuffer agentsOfOwnNames(Chains chains) {
		return takeTouchRelease(chains.ownName);
	}

	/**
	 * Each thread's agent has its own name and its own allocator: nothing is shared.
	 */
	@Benchmark
	public ByteBuffer agentsOfOwnAllocators(Chains chains) {
		return takeTouchRelease(chains.ownAllocator);
	}

	@Benchmark
	@Threads(1)
	public ByteBuffer pooledSimpleLeakDetection() {
		return takeTouchRelease(this.pooled.allocate(this.size));
	}

	@Benchmark
	@Threads(1)
	public ByteBuffer pooledWithoutLeakDetection() {
		return takeTouchRelease(this.pooledWithoutLeakDetection.allocate(this.size));
	}

	private ByteBuffer takeTouchRelease(Operation operation) {
		return takeTouchRelease(operation.allocate(this.size));
	}

	private ByteBuffer takeTouchRelease(Posm posm) {
		ByteBuffer buffer = posm.buffer();
		buffer.putLong(0, this.stamp);
		buffer.putLong(this.size - Long.BYTES, this.stamp);
		posm.release();
		return buffer;
	}

	/**
	 * One long-lived operation per thread for each way of sharing.
	 */
	@State(Scope.Thread)
	public static class Chains {

		// set by open() before any benchmark call
		Operation oneName;

		Operation ownName;

		Operation ownAllocator;

		private Agents ownAgents;

		@Setup(Level.Trial)
		public void open(PosmSharingBenchmark benchmark, ThreadParams thread) {
			String name = "chain-" + thread.getThreadIndex();
			this.oneName = benchmark.agents.open("chain").begin();
			this.ownName = benchmark.agents.open(name).begin();
			this.ownAgents = Agents.builder(Allocators.pooled(name).build()).build();
			this.ownAllocator = this.ownAgents.open(name).begin();
		}

		@TearDown(Level.Trial)
		public void close() {
			for (Operation operation : new Operation[] { this.oneName, this.ownName, this.ownAllocator }) {
				Agent agent = operation.agent();
				operation.close();
				agent.close();
			}
			this.ownAgents.defaultAllocator().close();
		}

	}

}
