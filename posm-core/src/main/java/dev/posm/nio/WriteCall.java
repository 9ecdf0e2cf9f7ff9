package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import dev.posm.Agent;
import org.jspecify.annotations.Nullable;

/**
 * One write. The caller's bytes are copied into a POSM when the call starts and the
 * caller's position advanced past them, so its buffer is free again at once; the POSM is
 * then written until every byte is out, partial writes included, and released. The
 * result is the number of bytes taken: all that remained, or at most the chunk size for
 * a plain write.
 *
 * @author posm
 */
final class WriteCall extends ChannelCall {

	private final ChannelIo io;

	private final ByteBuffer src;

	private final long position;

	private final int maxBytes;

	private int taken;

	private int written;

	private @Nullable ByteBuffer copy;

	WriteCall(ChannelIo io, @Nullable Agent agent, int maxBytes, ByteBuffer src, long position, long timeoutNanos) {
		super(agent, timeoutNanos);
		this.io = io;
		this.src = src;
		this.position = position;
		this.maxBytes = maxBytes;
	}

	<A> WriteCall(ChannelIo io, @Nullable Agent agent, int maxBytes, ByteBuffer src, long position,
			long timeoutNanos, @Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		super(agent, timeoutNanos, attachment, handler);
		this.io = io;
		this.src = src;
		this.position = position;
		this.maxBytes = maxBytes;
	}

	@Override
	void prepare() {
		int taken = Math.min(this.src.remaining(), this.maxBytes);
		if (taken == 0) {
			return;
		}
		ByteBuffer copy = allocate(taken);
		int from = this.src.position();
		copy.put(0, this.src, from, taken);
		this.src.position(from + taken);
		this.copy = copy;
		this.taken = taken;
	}

	@Override
	int begin() {
		ByteBuffer copy = this.copy;
		if (copy == null) {
			return 0;
		}
		this.io.write(copy, this.position, timeout(), this);
		return MORE;
	}

	@Override
	void undo() {
		this.src.position(this.src.position() - this.taken);
	}

	@Override
	int proceed(int count) throws Exception {
		this.written += count;
		ByteBuffer copy = this.copy;
		if (copy == null || !copy.hasRemaining()) {
			return this.taken;
		}
		this.io.write(copy, (this.position < 0) ? -1 : this.position + this.written, timeLeft(), this);
		return MORE;
	}

	@Override
	void abort() {
		this.io.abort();
	}

}
