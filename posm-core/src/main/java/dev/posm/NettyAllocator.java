package dev.posm;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * An adapter over Netty's pooled allocator: Netty keeps and reuses the memory, posm
 * counts and leases it. Agents do not cache these blocks; Netty's own caches do.
 *
 * @author posm
 */
final class NettyAllocator extends BlockAllocator {

	/** Netty's pooled memory is not freed by the collector: a dropped POSM's buffer goes back to its arena. */
	private static final Consumer<Object> RELEASE_LEAKED = (resource) -> {
		if (resource instanceof ByteBuf buffer) {
			buffer.release();
		}
	};

	private final ByteBufAllocator netty;

	NettyAllocator(String name, boolean direct, LeakDetection leakDetection) {
		super(name, AllocatorType.NETTY, direct, leakDetection);
		this.netty = PooledByteBufAllocator.DEFAULT;
	}

	@Override
	Posm take(int size) {
		if (size == 0) {
			// Netty answers with one shared empty buffer, direct even for heap: a POSM needs its own
			Posm empty = newBlock(this.direct ? ByteBuffer.allocateDirect(0) : ByteBuffer.allocate(0), -1, null);
			empty.fresh = false;
			return empty;
		}
		ByteBuf buffer = this.direct ? this.netty.directBuffer(size, size) : this.netty.heapBuffer(size, size);
		Posm posm = newBlock(buffer.nioBuffer(0, size), -1, buffer);
		// Netty serves from its arenas and caches: memory reuse is Netty's, see its metrics
		posm.fresh = false;
		return posm;
	}

	@Override
	void recycle(Posm posm) {
		if (posm.resource instanceof ByteBuf buffer) {
			buffer.release();
		}
	}

	@Override
	Consumer<Object> leakedResourceRelease() {
		return RELEASE_LEAKED;
	}

	@Override
	long retainedBytes() {
		return 0;
	}

	@Override
	public void trim() {
		// Netty trims its own thread caches
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = super.describe();
		description.put("netty", this.netty.toString());
		return description;
	}

}
