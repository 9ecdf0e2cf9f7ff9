package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import dev.posm.Agent;
import org.jspecify.annotations.Nullable;

/**
 * One read. Into a direct buffer it goes straight to the channel and takes no POSM; into
 * a heap buffer it reads into a POSM of at most the chunk size, copies what came into
 * the caller's buffer and advances its position, then releases the POSM. Sparing the
 * JDK its per-thread temporary direct buffers is the point: they grow with the threads.
 *
 * @author posm
 */
final class ReadCall extends ChannelCall {

	private final ChannelIo io;

	private final ByteBuffer dst;

	private final long position;

	private final int maxChunkSize;

	private @Nullable ByteBuffer through;

	ReadCall(ChannelIo io, @Nullable Agent agent, int maxChunkSize, ByteBuffer dst, long position,
			long timeoutNanos) {
		super(agent, timeoutNanos);
		this.io = io;
		this.dst = dst;
		this.position = position;
		this.maxChunkSize = maxChunkSize;
	}

	<A> ReadCall(ChannelIo io, @Nullable Agent agent, int maxChunkSize, ByteBuffer dst, long position,
			long timeoutNanos, @Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		super(agent, timeoutNanos, attachment, handler);
		this.io = io;
		this.dst = dst;
		this.position = position;
		this.maxChunkSize = maxChunkSize;
	}

	@Override
	void prepare() {
		if (!this.dst.isDirect() && this.dst.hasRemaining()) {
			this.through = allocate(Math.min(this.dst.remaining(), this.maxChunkSize));
		}
	}

	@Override
	int begin() {
		if (!this.dst.hasRemaining()) {
			return 0;
		}
		ByteBuffer through = this.through;
		this.io.read((through != null) ? through : this.dst, this.position, timeout(), this);
		return MORE;
	}

	@Override
	int proceed(int count) {
		ByteBuffer through = this.through;
		if (through != null && count > 0) {
			through.flip();
			this.dst.put(through);
		}
		return count;
	}

	@Override
	void abort() {
		this.io.abort();
	}

}
