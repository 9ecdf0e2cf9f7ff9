package dev.posm.alloc;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import org.jspecify.annotations.Nullable;

/**
 * Blocks from a Netty pooled allocator of this store's own: Netty keeps and reuses the
 * memory. Load this class only when {@code io.netty:netty-buffer} is on the classpath.
 * <p>
 * Netty does not say which of its buffers reused memory, so every block is marked
 * fresh (posm did not reuse it) and {@link #freshTakes()} gives Netty's own count of
 * the takes that got new memory: a new chunk of an arena, or a buffer too large for
 * chunks. The allocator is this store's alone, so that count is of its takes only.
 *
 * @author posm
 */
public final class NettyStore implements BlockStore {

	private final PooledByteBufAllocator netty;

	private final boolean direct;

	/** Takes of zero bytes: served by an empty block of posm's own, not by Netty. */
	private final LongAdder emptyTakes = new LongAdder();

	/**
	 * Create a store over a Netty pooled allocator with Netty's default settings.
	 * @param direct whether blocks are direct memory
	 */
	public NettyStore(boolean direct) {
		this.netty = new PooledByteBufAllocator(direct);
		this.direct = direct;
	}

	@Override
	public Block take(int size) {
		if (size == 0) {
			// Netty answers with one shared empty buffer, direct even for heap: a block needs its own
			this.emptyTakes.increment();
			return new Block(this.direct ? ByteBuffer.allocateDirect(0) : ByteBuffer.allocate(0), -1, null);
		}
		ByteBuf buffer = this.direct ? this.netty.directBuffer(size, size) : this.netty.heapBuffer(size, size);
		return new Block(buffer.nioBuffer(0, size), -1, buffer);
	}

	/**
	 * Return the takes that got new memory: by Netty's count, the chunks its arenas
	 * allocated, each for the take that found no room, and the buffers too large for a
	 * chunk, each allocated for its take; and the empty blocks of zero-byte takes.
	 * @return the takes served by new memory
	 */
	@Override
	public long freshTakes() {
		PooledByteBufAllocatorMetric metric = this.netty.metric();
		long fresh = this.emptyTakes.sum();
		for (PoolArenaMetric arena : this.direct ? metric.directArenas() : metric.heapArenas()) {
			fresh += arena.numChunkAllocations() + arena.numHugeAllocations();
		}
		return fresh;
	}

	@Override
	public void give(Block block) {
		release(block.resource());
	}

	/**
	 * Give a Netty buffer back to its arena: for a block dropped without being given
	 * back, whose buffer the garbage collector would not free.
	 * @param resource the block's resource
	 */
	public static void release(@Nullable Object resource) {
		if (resource instanceof ByteBuf buffer) {
			buffer.release();
		}
	}

	@Override
	public int sizeClass(int size) {
		return -1;
	}

	@Override
	public long retainedBytes() {
		return 0;
	}

	@Override
	public void trim() {
		// Netty trims its own thread caches
	}

	@Override
	public void close() {
	}

	@Override
	public boolean isDirect() {
		return this.direct;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		PooledByteBufAllocatorMetric metric = this.netty.metric();
		description.put("netty", "PooledByteBufAllocator of its own");
		description.put("nettyChunkSize", metric.chunkSize());
		description.put("nettyUsedMemory", this.direct ? metric.usedDirectMemory() : metric.usedHeapMemory());
		return description;
	}

}
