package dev.posm.alloc;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * Blocks from Netty's pooled allocator: Netty keeps and reuses the memory. Load this
 * class only when {@code io.netty:netty-buffer} is on the classpath.
 *
 * @author posm
 */
public final class NettyStore implements BlockStore {

	private final ByteBufAllocator netty;

	private final boolean direct;

	/**
	 * Create a store over Netty's default pooled allocator.
	 * @param direct whether blocks are direct memory
	 */
	public NettyStore(boolean direct) {
		this.netty = PooledByteBufAllocator.DEFAULT;
		this.direct = direct;
	}

	@Override
	public Block take(int size) {
		if (size == 0) {
			// Netty answers with one shared empty buffer, direct even for heap: a block needs its own
			Block empty = new Block(this.direct ? ByteBuffer.allocateDirect(0) : ByteBuffer.allocate(0), -1, null);
			empty.fresh = false;
			return empty;
		}
		ByteBuf buffer = this.direct ? this.netty.directBuffer(size, size) : this.netty.heapBuffer(size, size);
		Block block = new Block(buffer.nioBuffer(0, size), -1, buffer);
		// Netty serves from its arenas and caches: memory reuse is Netty's, see its metrics
		block.fresh = false;
		return block;
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
		description.put("netty", this.netty.toString());
		return description;
	}

}
