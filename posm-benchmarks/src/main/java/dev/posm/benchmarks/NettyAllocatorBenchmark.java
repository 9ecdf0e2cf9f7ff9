package dev.posm.benchmarks;

import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import dev.posm.netty.PosmByteBufAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;
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

/**
 * Netty buffers as a channel handler uses them, from {@link PosmByteBufAllocator} (an
 * agent opened per thread, as per connection) and from Netty's own allocators:
 * <ul>
 * <li>{@code bufferWriteRelease}: {@code buffer(4096)}, write 4 KiB, release;</li>
 * <li>{@code growTo64KiB}: {@code buffer(256)}, then 64 writes of 1 KiB, through every
 * capacity from 512 B to 64 KiB, release.</li>
 * </ul>
 * {@link OneThread} runs them on one thread, {@link TwoThreads} on two threads sharing
 * the Netty allocators (and posm's allocator under the agents). The threads are Netty
 * event loop threads ({@link EventLoopThreads}), where Netty's allocators recycle their
 * buffer objects and keep their thread caches, as in a server. Netty's leak detector is
 * off; posm runs with its default leak detection.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled",
		"-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.posm.benchmarks.EventLoopThreads" })
@State(Scope.Thread)
public abstract class NettyAllocatorBenchmark {

	private final byte[] page = new byte[4096];

	private final byte[] chunk = new byte[1024];

	@Benchmark
	public ByteBuf bufferWriteRelease(Connection connection) {
		ByteBuf buffer = connection.allocator.buffer(4096);
		buffer.writeBytes(this.page);
		buffer.release();
		return buffer;
	}

	@Benchmark
	public ByteBuf growTo64KiB(Connection connection) {
		ByteBuf buffer = connection.allocator.buffer(256);
		for (int i = 0; i < 64; i++) {
			buffer.writeBytes(this.chunk);
		}
		buffer.release();
		return buffer;
	}

	/**
	 * On one thread.
	 */
	@Threads(1)
	public static class OneThread extends NettyAllocatorBenchmark {

	}

	/**
	 * On two threads, as many as this machine's cores.
	 */
	@Threads(2)
	public static class TwoThreads extends NettyAllocatorBenchmark {

	}

	/**
	 * The allocators, shared by the threads: posm's (under the agents), Netty's pooled
	 * and adaptive ones, direct, as Netty configures them by default.
	 */
	@State(Scope.Benchmark)
	public static class SharedAllocators {

		@Param({ "posm", "nettyPooled", "nettyAdaptive" })
		String allocator;

		final PosmAllocator memory = Allocators.recycling("netty-benchmark").build();

		final Agents agents = new Agents(this.memory);

		// set by create() before any benchmark call
		ByteBufAllocator netty;

		@Setup(Level.Trial)
		public void create() {
			this.netty = switch (this.allocator) {
				case "nettyPooled" -> new PooledByteBufAllocator(true);
				case "nettyAdaptive" -> new AdaptiveByteBufAllocator(true);
				default -> ByteBufAllocator.DEFAULT;
			};
		}

		/**
		 * Fail the trial if posm's buffers left memory held.
		 */
		@TearDown(Level.Trial)
		public void checkBalanced() {
			AllocatorStats stats = this.memory.stats();
			if (stats.bytesInUse() != 0 || stats.allocations() != stats.releases()) {
				throw new IllegalStateException("posm's buffers did not balance: " + stats);
			}
			this.memory.close();
		}

	}

	/**
	 * What one thread takes its buffers from: an agent opened for it, as for one
	 * connection, or the shared Netty allocator.
	 */
	@State(Scope.Thread)
	public static class Connection {

		// set by open() before any benchmark call
		ByteBufAllocator allocator;

		private @Nullable Agent agent;

		@Setup(Level.Trial)
		public void open(SharedAllocators allocators) {
			if (!FastThreadLocalThread.currentThreadHasFastThreadLocal()) {
				throw new IllegalStateException("Not on an event loop thread: run with the fork's -Djmh.executor");
			}
			if (allocators.allocator.equals("posm")) {
				this.agent = allocators.agents.open("connection");
				this.allocator = new PosmByteBufAllocator(this.agent);
			}
			else {
				this.allocator = allocators.netty;
			}
		}

		@TearDown(Level.Trial)
		public void close() {
			if (this.agent != null) {
				this.agent.close();
			}
		}

	}

}
