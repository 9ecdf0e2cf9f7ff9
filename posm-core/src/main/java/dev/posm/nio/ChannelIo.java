package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import org.jspecify.annotations.Nullable;

/**
 * The raw I/O of one NIO.2 channel, socket or file, as the calls of this package drive
 * it: a socket ignores positions, a file ignores timeouts.
 *
 * @author posm
 */
interface ChannelIo {

	/**
	 * Start reading into the buffer.
	 * @param dst the buffer
	 * @param position the file position, or -1 for a stream
	 * @param timeoutNanos the time allowed, 0 for no limit
	 * @param handler the handler of the outcome
	 */
	void read(ByteBuffer dst, long position, long timeoutNanos, CompletionHandler<Integer, @Nullable Void> handler);

	/**
	 * Start writing from the buffer.
	 * @param src the buffer
	 * @param position the file position, or -1 for a stream
	 * @param timeoutNanos the time allowed, 0 for no limit
	 * @param handler the handler of the outcome
	 */
	void write(ByteBuffer src, long position, long timeoutNanos, CompletionHandler<Integer, @Nullable Void> handler);

	/**
	 * Make the I/O in flight end soon, if it may otherwise wait forever: a socket is
	 * closed (NIO.2 offers no other way to stop one of its operations), a file's I/O
	 * ends by itself and is left alone.
	 */
	void abort();

}
