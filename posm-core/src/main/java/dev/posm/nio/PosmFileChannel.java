package dev.posm.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannel;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.posm.Agent;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AsynchronousFileChannel} whose reads and writes take their memory from the
 * current context, as {@link PosmSocketChannel} does: a write copies the caller's bytes
 * into a direct POSM when it starts (the caller may reuse its buffer at once) and writes
 * all of them at the position, partial writes included; a read into a heap buffer goes
 * through a direct POSM of at most {@link #maxChunkSize()} bytes, a read into a direct
 * buffer straight to the file. The memory of a call comes from the operation bound to
 * the calling thread, else from the channel's {@link #agent() agent} (each call one
 * operation of it), else from the default allocator, and is released before the
 * caller's future or handler completes.
 * <p>
 * A future completed from outside (cancelled, {@code orTimeout}) completes once the I/O
 * in flight has ended and its memory is back: file I/O always ends, so the file is left
 * open. Illegal arguments and a channel not open for reading or writing are thrown;
 * other failures, a closed channel included, complete the call exceptionally.
 * <pre class="code">
 * try (PosmFileChannel file = PosmFileChannel.open(path, null, StandardOpenOption.READ)) {
 *     file.read(chunk, 0).thenAccept((count) -&gt; ...);
 * }
 * </pre>
 *
 * @author posm
 */
public final class PosmFileChannel implements AsynchronousChannel {

	/** Default largest POSM a plain read or write takes: 1 MiB. */
	public static final int DEFAULT_MAX_CHUNK_SIZE = 1024 * 1024;

	private final AsynchronousFileChannel channel;

	private final @Nullable Agent agent;

	private final int maxChunkSize;

	private final FileIo io;

	/**
	 * Wrap a channel whose calls take memory from the current operation, else from the
	 * default allocator.
	 * @param channel the channel
	 */
	public PosmFileChannel(AsynchronousFileChannel channel) {
		this(channel, null, DEFAULT_MAX_CHUNK_SIZE);
	}

	/**
	 * Wrap a channel whose calls, outside a bound operation, are each one operation of
	 * the given agent.
	 * @param channel the channel
	 * @param agent the agent, or {@code null} for the default allocator
	 */
	public PosmFileChannel(AsynchronousFileChannel channel, @Nullable Agent agent) {
		this(channel, agent, DEFAULT_MAX_CHUNK_SIZE);
	}

	/**
	 * Wrap a channel whose calls, outside a bound operation, are each one operation of
	 * the given agent, with POSMs of at most the given size for plain reads and writes.
	 * @param channel the channel
	 * @param agent the agent, or {@code null} for the default allocator
	 * @param maxChunkSize the largest POSM a plain read or write takes, at least 1
	 */
	public PosmFileChannel(AsynchronousFileChannel channel, @Nullable Agent agent, int maxChunkSize) {
		this.channel = Objects.requireNonNull(channel, "channel must not be null");
		this.agent = agent;
		this.maxChunkSize = Checks.chunkSize(maxChunkSize);
		this.io = new FileIo(channel);
	}

	/**
	 * Open a file.
	 * @param file the path of the file
	 * @param agent the agent, or {@code null} for the default allocator
	 * @param options how to open it, as for {@link AsynchronousFileChannel#open(Path, OpenOption...)}
	 * @return the channel
	 * @throws IOException if the file cannot be opened
	 */
	public static PosmFileChannel open(Path file, @Nullable Agent agent, OpenOption... options) throws IOException {
		return new PosmFileChannel(AsynchronousFileChannel.open(file, options), agent);
	}

	/**
	 * Return the wrapped channel, for what this class does not offer (locks). Its own
	 * reads and writes take no POSM.
	 * @return the channel
	 */
	public AsynchronousFileChannel channel() {
		return this.channel;
	}

	/**
	 * Return the agent whose operations the calls are, outside a bound operation.
	 * @return the agent, or {@code null}
	 */
	public @Nullable Agent agent() {
		return this.agent;
	}

	/**
	 * Return the largest POSM a plain read or write takes.
	 * @return the size in bytes
	 */
	public int maxChunkSize() {
		return this.maxChunkSize;
	}

	/**
	 * Read from the given position into the buffer, through a POSM if it is a heap
	 * buffer.
	 * @param dst the buffer, not read-only
	 * @param position the file position, zero or more
	 * @return the number of bytes read, -1 if the position is at or past the end
	 */
	public CompletableFuture<Integer> read(ByteBuffer dst, long position) {
		ReadCall call = new ReadCall(this.io, this.agent, this.maxChunkSize, Checks.readable(dst),
				Checks.position(position), 0);
		call.start();
		return call.future();
	}

	/**
	 * Read from the given position into the buffer, through a POSM if it is a heap
	 * buffer, and complete the handler.
	 * @param <A> the type of the attachment
	 * @param dst the buffer, not read-only
	 * @param position the file position, zero or more
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes read, -1 at or past the end
	 */
	public <A> void read(ByteBuffer dst, long position, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		new ReadCall(this.io, this.agent, this.maxChunkSize, Checks.readable(dst), Checks.position(position), 0,
				attachment, Checks.handler(handler))
			.start();
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer at the given position:
	 * copied at once, then written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @param position the file position, zero or more
	 * @return the number of bytes taken and written
	 */
	public CompletableFuture<Integer> write(ByteBuffer src, long position) {
		WriteCall call = new WriteCall(this.io, this.agent, this.maxChunkSize, Checks.source(src),
				Checks.position(position), 0);
		call.start();
		return call.future();
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer at the given position,
	 * copied at once, and complete the handler once they are all written.
	 * @param <A> the type of the attachment
	 * @param src the buffer, free for reuse when this returns
	 * @param position the file position, zero or more
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes taken and written
	 */
	public <A> void write(ByteBuffer src, long position, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		new WriteCall(this.io, this.agent, this.maxChunkSize, Checks.source(src), Checks.position(position), 0,
				attachment, Checks.handler(handler))
			.start();
	}

	/**
	 * Write every remaining byte of the buffer at the given position: copied at once into
	 * one POSM of that size, whatever the chunk size, then written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @param position the file position, zero or more
	 * @return the number of bytes written: all that remained
	 */
	public CompletableFuture<Integer> writeFully(ByteBuffer src, long position) {
		WriteCall call = new WriteCall(this.io, this.agent, Integer.MAX_VALUE, Checks.source(src),
				Checks.position(position), 0);
		call.start();
		return call.future();
	}

	/**
	 * Return the size of the file.
	 * @return the size in bytes
	 * @throws IOException if the channel is closed or the size cannot be read
	 */
	public long size() throws IOException {
		return this.channel.size();
	}

	/**
	 * Cut the file to the given size.
	 * @param size the new size, zero or more
	 * @return this channel
	 * @throws IOException if the file cannot be truncated
	 */
	public PosmFileChannel truncate(long size) throws IOException {
		this.channel.truncate(size);
		return this;
	}

	/**
	 * Force what was written to the storage device.
	 * @param metaData whether to force the file's metadata too
	 * @throws IOException if forcing fails
	 */
	public void force(boolean metaData) throws IOException {
		this.channel.force(metaData);
	}

	@Override
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	/**
	 * Close the channel. Calls in flight complete, exceptionally or not, their POSMs
	 * released first.
	 * @throws IOException if closing fails
	 */
	@Override
	public void close() throws IOException {
		this.channel.close();
	}

	@Override
	public String toString() {
		return "PosmFileChannel[" + this.channel + ((this.agent != null) ? ", " + this.agent : "") + "]";
	}

	/**
	 * The raw I/O of the file.
	 */
	private static final class FileIo implements ChannelIo {

		private final AsynchronousFileChannel channel;

		FileIo(AsynchronousFileChannel channel) {
			this.channel = channel;
		}

		@Override
		public void read(ByteBuffer dst, long position, long timeoutNanos,
				CompletionHandler<Integer, @Nullable Void> handler) {
			this.channel.read(dst, position, null, handler);
		}

		@Override
		public void write(ByteBuffer src, long position, long timeoutNanos,
				CompletionHandler<Integer, @Nullable Void> handler) {
			this.channel.write(src, position, null, handler);
		}

		@Override
		public void abort() {
			// file I/O ends by itself: closing the file would only fail other calls
		}

	}

}
