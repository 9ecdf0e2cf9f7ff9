package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import dev.posm.Agent;
import org.jspecify.annotations.Nullable;

/**
 * One chunk of a relay as one operation: read at most {@code maxBytes} from the source
 * into a POSM, write all of it to the target, release the POSM. The result is the
 * number of bytes forwarded, or -1 at the end of the source's stream (nothing is
 * written then). One chunk in flight per call is the back-pressure: the next read
 * waits for the slow side.
 *
 * @author posm
 */
final class ForwardCall extends ChannelCall {

	private final ChannelIo source;

	// set again for each chunk when a handler's call is reused

	private ChannelIo target;

	private int maxBytes;

	private @Nullable ByteBuffer chunk;

	private int count;

	ForwardCall(ChannelIo source, ChannelIo target, @Nullable Agent agent, int maxBytes, long timeoutNanos) {
		super(agent, timeoutNanos);
		this.source = source;
		this.target = target;
		this.maxBytes = maxBytes;
	}

	<A> ForwardCall(ChannelIo source, ChannelIo target, @Nullable Agent agent, int maxBytes, long timeoutNanos,
			@Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		super(agent, timeoutNanos, attachment, handler);
		this.source = source;
		this.target = target;
		this.maxBytes = maxBytes;
	}

	/**
	 * Make this handler's call ready to relay the next chunk, see
	 * {@link ChannelCall#reuse}.
	 */
	<A> void reuse(ChannelIo target, int maxBytes, long timeoutNanos, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		reuse(timeoutNanos, attachment, handler);
		this.target = target;
		this.maxBytes = maxBytes;
	}

	@Override
	void prepare() {
		this.count = -1;
		this.chunk = allocate(this.maxBytes);
	}

	@Override
	int begin() {
		this.source.read(chunk(), -1, timeout(), this);
		return MORE;
	}

	@Override
	int proceed(int transferred) throws Exception {
		ByteBuffer chunk = chunk();
		if (this.count < 0) {
			if (transferred < 0) {
				return -1;
			}
			this.count = transferred;
			chunk.flip();
		}
		if (!chunk.hasRemaining()) {
			return this.count;
		}
		this.target.write(chunk, -1, timeLeft(), this);
		return MORE;
	}

	private ByteBuffer chunk() {
		ByteBuffer chunk = this.chunk;
		if (chunk == null) {
			throw new IllegalStateException("No chunk taken");
		}
		return chunk;
	}

	@Override
	void abort() {
		// the step in flight may be the read or the write: stop both
		this.source.abort();
		this.target.abort();
	}

}
