package dev.posm.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One buffer's life on an I/O path: take a direct buffer, write its first and last
 * eight bytes, give it back. Every pool runs the same loop in the same JMH run, once
 * with one thread ({@link OneThread}) and once with two threads sharing the pool
 * ({@link TwoThreads}).
 * <p>
 * Each benchmark returns the buffer it used so that JMH's blackhole keeps the JDK
 * allocations alive; the pooled ones are written off-heap and given back, which the
 * compiler cannot remove anyway. posm runs with its default leak detection
 * ({@link LeakDetection#SIMPLE}); Netty's leak detector is turned off (its default
 * samples one buffer in 128 and would add its own cost to a few operations).
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g", "-Dio.netty.leakDetection.level=disabled" })
@State(Scope.Benchmark)
public abstract class TakeTouchReleaseBenchmark {

	static final String AGENT = "benchmark";

	/** The size asked for: a page-sized read buffer and a large transfer chunk. */
	@Param({ "4096", "65536" })
	int size;

	/** What is written: not a constant, so that nothing is folded. */
	long stamp = System.nanoTime();

	@Benchmark
	public ByteBuffer posmPooled(PosmPools pools) {
		Posm posm = pools.pooled.allocate(this.size);
		ByteBuffer buffer = posm.buffer();
		touch(buffer);
		posm.release();
		return buffer;
	}

	@Benchmark
	public ByteBuffer posmRecycling(PosmPools pools) {
		Posm posm = pools.recycling.allocate(this.size);
		ByteBuffer buffer = posm.buffer();
		touch(buffer);
		posm.release();
		return buffer;
	}

	/**
	 * An opened agent (one per thread, like one per connection) whose operation spans
	 * one buffer: begin, allocate, touch, release, complete.
	 */
	@Benchmark
	public ByteBuffer posmAgentOperation(OpenedAgent opened) {
		Operation operation = opened.agent.begin();
		Posm posm = operation.allocate(this.size);
		ByteBuffer buffer = posm.buffer();
		touch(buffer);
		posm.release();
		operation.close();
		return buffer;
	}

	/**
	 * A long-lived operation of an opened agent that takes buffer after buffer.
	 */
	@Benchmark
	public ByteBuffer posmAgentLongOperation(OpenedAgent opened) {
		Posm posm = opened.operation.allocate(this.size);
		ByteBuffer buffer = posm.buffer();
		touch(buffer);
		posm.release();
		return buffer;
	}

	@Benchmark
	public ByteBuffer jettyArrayPool(JettyPool pool) {
		RetainableByteBuffer retainable = pool.pool.acquire(this.size, true);
		ByteBuffer buffer = retainable.getByteBuffer();
		// Jetty hands buffers out empty, in flush mode: open them to the size asked
		buffer.limit(this.size);
		touch(buffer);
		retainable.release();
		return buffer;
	}

	/**
	 * Netty's pooled allocator as configured by default: a JMH thread is not an event
	 * loop thread, so it gets no thread cache.
	 */
	@Benchmark
	public ByteBuf nettyPooled(NettyPools pools) {
		return touchAndRelease(pools.pooled.directBuffer(this.size));
	}

	/**
	 * Netty's pooled allocator with a thread cache for every thread, as on an event
	 * loop. Its caches keep blocks up to 32 KiB by default.
	 */
	@Benchmark
	public ByteBuf nettyPooledThreadCache(NettyPools pools) {
		return touchAndRelease(pools.pooledThreadCache.directBuffer(this.size));
	}

	/**
	 * Netty 4.2's adaptive allocator as configured by default: shared magazines for
	 * threads that are not event loops.
	 */
	@Benchmark
	public ByteBuf nettyAdaptive(NettyPools pools) {
		return touchAndRelease(pools.adaptive.directBuffer(this.size));
	}

	/**
	 * Netty 4.2's adaptive allocator with a cached magazine for every thread, as on an
	 * event loop.
	 */
	@Benchmark
	public ByteBuf nettyAdaptiveThreadCache(NettyPools pools) {
		return touchAndRelease(pools.adaptiveThreadCache.directBuffer(this.size));
	}

	/**
	 * A fresh heap buffer each time, left to the garbage collector.
	 */
	@Benchmark
	public ByteBuffer jdkAllocate() {
		ByteBuffer buffer = ByteBuffer.allocate(this.size);
		touch(buffer);
		return buffer;
	}

	/**
	 * A fresh direct buffer each time, freed by its cleaner after a collection.
	 */
	@Benchmark
	public ByteBuffer jdkAllocateDirect() {
		ByteBuffer buffer = ByteBuffer.allocateDirect(this.size);
		touch(buffer);
		return buffer;
	}

	private void touch(ByteBuffer buffer) {
		buffer.putLong(0, this.stamp);
		buffer.putLong(this.size - Long.BYTES, this.stamp);
	}

	private ByteBuf touchAndRelease(ByteBuf buffer) {
		buffer.setLong(0, this.stamp);
		buffer.setLong(this.size - Long.BYTES, this.stamp);
		buffer.release();
		return buffer;
	}

	/**
	 * The pools on one thread.
	 */
	@Threads(1)
	public static class OneThread extends TakeTouchReleaseBenchmark {

	}

	/**
	 * The pools shared by two threads, as many as this machine's cores.
	 */
	@Threads(2)
	public static class TwoThreads extends TakeTouchReleaseBenchmark {

	}

	/**
	 * posm's shared allocators, with their defaults (direct buffers, simple leak
	 * detection), and the agents that take from the pooled one.
	 */
	@State(Scope.Benchmark)
	public static class PosmPools {

		final PosmAllocator pooled = Allocators.pooled("pooled").build();

		final PosmAllocator recycling = Allocators.recycling("recycling").build();

		final Agents agents = Agents.builder(Allocators.pooled("agents").build()).build();

		/**
		 * Fail the trial if a benchmark left memory held, or if the agents did not
		 * reuse their blocks: one fresh block per thread is all they should need.
		 */
		@TearDown(Level.Trial)
		public void checkBalanced(BenchmarkParams params) {
			checkNothingHeld(this.pooled);
			checkNothingHeld(this.recycling);
			checkNothingHeld(this.agents.defaultAllocator());
			// the threads' long-lived operations may still be open: each closes its own
			this.agents.find(AGENT).ifPresent((agent) -> {
				AgentStats stats = agent.stats();
				long fresh = stats.allocations() - stats.recycled();
				if (stats.bytesInUse() != 0 || fresh > params.getThreads()) {
					throw new IllegalStateException("Agent '" + AGENT + "' held memory or missed its cache: " + stats);
				}
			});
			this.pooled.close();
			this.recycling.close();
			this.agents.defaultAllocator().close();
		}

		private static void checkNothingHeld(PosmAllocator allocator) {
			AllocatorStats stats = allocator.stats();
			if (stats.bytesInUse() != 0 || stats.allocations() != stats.releases() + stats.reclaimed()) {
				throw new IllegalStateException("Allocator '" + allocator.name() + "' did not balance: " + stats);
			}
		}

	}

	/**
	 * An agent opened by each benchmark thread, as for one connection, and an operation
	 * of it that stays open for the whole trial.
	 */
	@State(Scope.Thread)
	public static class OpenedAgent {

		// set by open() before any benchmark call
		Agent agent;

		Operation operation;

		@Setup(Level.Trial)
		public void open(PosmPools pools) {
			this.agent = pools.agents.open(AGENT);
			this.operation = this.agent.begin();
		}

		@TearDown(Level.Trial)
		public void close() {
			this.operation.close();
			this.agent.close();
		}

	}

	/**
	 * Jetty 12's pool with its defaults: buckets of 4 KiB steps up to 64 KiB.
	 */
	@State(Scope.Benchmark)
	public static class JettyPool {

		final ArrayByteBufferPool pool = new ArrayByteBufferPool();

	}

	/**
	 * Netty 4.2's pooled and adaptive allocators, direct, with and without caches for
	 * threads that are not event loops.
	 */
	@State(Scope.Benchmark)
	public static class NettyPools {

		final PooledByteBufAllocator pooled = new PooledByteBufAllocator(true);

		final PooledByteBufAllocator pooledThreadCache = new PooledByteBufAllocator(true,
				PooledByteBufAllocator.defaultNumHeapArena(), PooledByteBufAllocator.defaultNumDirectArena(),
				PooledByteBufAllocator.defaultPageSize(), PooledByteBufAllocator.defaultMaxOrder(),
				PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(), true);

		final AdaptiveByteBufAllocator adaptive = new AdaptiveByteBufAllocator(true);

		final AdaptiveByteBufAllocator adaptiveThreadCache = new AdaptiveByteBufAllocator(true, true);

	}

}
