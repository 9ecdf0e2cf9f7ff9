package dev.posm.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousByteChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AsynchronousSocketChannel} whose reads and writes take their memory from the
 * current context rather than from the JDK's per-thread temporary buffers.
 * <ul>
 * <li>A write copies the caller's bytes into a direct POSM when it starts and advances
 * the caller's position past them: the caller may reuse its buffer at once. The POSM is
 * then written out completely, partial writes included, so the count reported is the
 * count taken and written. {@link #write(ByteBuffer) write} takes at most
 * {@link #maxChunkSize()} bytes, like a NIO.2 write that may take fewer than remain;
 * {@link #writeFully(ByteBuffer) writeFully} takes all that remain.</li>
 * <li>A read into a heap buffer reads into a direct POSM of at most the chunk size, then
 * copies into the caller's buffer; a read into a direct buffer goes straight to the
 * channel and takes no POSM. The count is what came, -1 at the end of the stream.</li>
 * <li>{@link #forward(PosmSocketChannel, int) forward} relays one chunk to another
 * channel in one POSM: what a proxy does, one operation per chunk.</li>
 * </ul>
 * The memory of a call comes from the operation bound to the calling thread, else from
 * the {@link #agent() agent} the channel was given (each call is then one operation of
 * it: one chunk, one operation), else from the default allocator. Every POSM is released
 * before the caller's future or handler completes, whatever the outcome: a count, the
 * end of the stream, a failure, a timeout, a closed channel, a cancellation. A future
 * completed from outside (cancelled, {@code orTimeout}) closes the channel to stop the
 * I/O and completes once the memory is back.
 * <p>
 * Errors follow NIO.2: illegal arguments and a read or write already pending are thrown
 * (nothing changed, no memory held); everything else, a closed channel or a closed agent
 * included, completes the call exceptionally. A timeout bounds the whole call, partial
 * writes included, and ends it with an {@code InterruptedByTimeoutException}; after one,
 * NIO.2 may refuse further reads or writes on the channel. A failed write leaves unknown
 * how much of its bytes reached the peer.
 * <pre class="code">
 * Agent connection = agents.open("relay");
 * PosmSocketChannel client = new PosmSocketChannel(accepted, connection);
 * PosmSocketChannel upstream = new PosmSocketChannel(connected, connection);
 * client.forward(upstream, 64 * 1024)                 // the first request: a large POSM
 *     .thenCompose((count) -&gt; client.forward(upstream, 16 * 1024))  // then small ones
 *     ...
 * </pre>
 *
 * @author posm
 */
public final class PosmSocketChannel implements AsynchronousByteChannel {

	/** Default largest POSM a plain read or write takes: 1 MiB. */
	public static final int DEFAULT_MAX_CHUNK_SIZE = 1024 * 1024;

	private final AsynchronousSocketChannel channel;

	private final @Nullable Agent agent;

	private final int maxChunkSize;

	private final SocketIo io;

	private final Lane reads = Lane.reads();

	private final Lane writes = Lane.writes();

	// the call of handler-style forwards, reused chunk after chunk: read and written only
	// while this channel's reads are occupied
	private @Nullable ForwardCall spareForward;

	/**
	 * Wrap a channel whose calls take memory from the current operation, else from the
	 * default allocator.
	 * @param channel the channel
	 */
	public PosmSocketChannel(AsynchronousSocketChannel channel) {
		this(channel, null, DEFAULT_MAX_CHUNK_SIZE);
	}

	/**
	 * Wrap a channel whose calls, outside a bound operation, are each one operation of
	 * the given agent.
	 * @param channel the channel
	 * @param agent the agent, or {@code null} for the default allocator
	 */
	public PosmSocketChannel(AsynchronousSocketChannel channel, @Nullable Agent agent) {
		this(channel, agent, DEFAULT_MAX_CHUNK_SIZE);
	}

	/**
	 * Wrap a channel whose calls, outside a bound operation, are each one operation of
	 * the given agent, with POSMs of at most the given size for plain reads and writes.
	 * @param channel the channel
	 * @param agent the agent, or {@code null} for the default allocator
	 * @param maxChunkSize the largest POSM a plain read or write takes, at least 1
	 */
	public PosmSocketChannel(AsynchronousSocketChannel channel, @Nullable Agent agent, int maxChunkSize) {
		this.channel = Objects.requireNonNull(channel, "channel must not be null");
		this.agent = agent;
		this.maxChunkSize = Checks.chunkSize(maxChunkSize);
		this.io = new SocketIo(channel);
	}

	/**
	 * Open a new, unconnected socket channel in the default group.
	 * @param agent the agent, or {@code null} for the default allocator
	 * @return the channel
	 * @throws IOException if the channel cannot be opened
	 */
	public static PosmSocketChannel open(@Nullable Agent agent) throws IOException {
		return new PosmSocketChannel(AsynchronousSocketChannel.open(), agent);
	}

	/**
	 * Return the wrapped channel, for what this class does not offer (options,
	 * addresses). Its own reads and writes take no POSM.
	 * @return the channel
	 */
	public AsynchronousSocketChannel channel() {
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
	 * Connect the channel.
	 * @param remote the address to connect to
	 * @return a future completed when connected
	 */
	public CompletableFuture<Void> connect(SocketAddress remote) {
		Objects.requireNonNull(remote, "remote must not be null");
		CompletableFuture<Void> connected = new CompletableFuture<>();
		this.channel.connect(remote, connected, new CompletionHandler<Void, CompletableFuture<Void>>() {

			@Override
			public void completed(@Nullable Void result, CompletableFuture<Void> future) {
				future.complete(null);
			}

			@Override
			public void failed(Throwable ex, CompletableFuture<Void> future) {
				future.completeExceptionally(ex);
			}

		});
		return connected;
	}

	/**
	 * Read into the buffer, through a POSM if it is a heap buffer.
	 * @param dst the buffer, not read-only
	 * @return the number of bytes read, -1 at the end of the stream
	 */
	@Override
	public CompletableFuture<Integer> read(ByteBuffer dst) {
		return read(dst, 0, TimeUnit.NANOSECONDS);
	}

	/**
	 * Read into the buffer within the given time, through a POSM if it is a heap buffer.
	 * @param dst the buffer, not read-only
	 * @param timeout the time allowed, 0 for no limit
	 * @param unit the unit of the timeout
	 * @return the number of bytes read, -1 at the end of the stream
	 */
	public CompletableFuture<Integer> read(ByteBuffer dst, long timeout, TimeUnit unit) {
		ReadCall call = new ReadCall(this.io, this.agent, this.maxChunkSize, Checks.readable(dst), -1,
				Checks.timeout(timeout, unit));
		call.start(this.reads, null);
		return call.future();
	}

	/**
	 * Read into the buffer, through a POSM if it is a heap buffer, and complete the
	 * handler.
	 * @param <A> the type of the attachment
	 * @param dst the buffer, not read-only
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes read, -1 at the end of the stream
	 */
	@Override
	public <A> void read(ByteBuffer dst, @Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		read(dst, 0, TimeUnit.NANOSECONDS, attachment, handler);
	}

	/**
	 * Read into the buffer within the given time, through a POSM if it is a heap buffer,
	 * and complete the handler.
	 * @param <A> the type of the attachment
	 * @param dst the buffer, not read-only
	 * @param timeout the time allowed, 0 for no limit
	 * @param unit the unit of the timeout
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes read, -1 at the end of the stream
	 */
	public <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		new ReadCall(this.io, this.agent, this.maxChunkSize, Checks.readable(dst), -1, Checks.timeout(timeout, unit),
				attachment, Checks.handler(handler))
			.start(this.reads, null);
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer: copied at once, then
	 * written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @return the number of bytes taken and written
	 */
	@Override
	public CompletableFuture<Integer> write(ByteBuffer src) {
		return write(src, 0, TimeUnit.NANOSECONDS);
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer within the given time:
	 * copied at once, then written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @param timeout the time allowed for the whole write, 0 for no limit
	 * @param unit the unit of the timeout
	 * @return the number of bytes taken and written
	 */
	public CompletableFuture<Integer> write(ByteBuffer src, long timeout, TimeUnit unit) {
		WriteCall call = new WriteCall(this.io, this.agent, this.maxChunkSize, Checks.source(src), -1,
				Checks.timeout(timeout, unit));
		call.start(this.writes, null);
		return call.future();
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer, copied at once, and
	 * complete the handler once they are all written.
	 * @param <A> the type of the attachment
	 * @param src the buffer, free for reuse when this returns
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes taken and written
	 */
	@Override
	public <A> void write(ByteBuffer src, @Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		write(src, 0, TimeUnit.NANOSECONDS, attachment, handler);
	}

	/**
	 * Write at most {@link #maxChunkSize()} bytes of the buffer within the given time,
	 * copied at once, and complete the handler once they are all written.
	 * @param <A> the type of the attachment
	 * @param src the buffer, free for reuse when this returns
	 * @param timeout the time allowed for the whole write, 0 for no limit
	 * @param unit the unit of the timeout
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes taken and written
	 */
	public <A> void write(ByteBuffer src, long timeout, TimeUnit unit, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		new WriteCall(this.io, this.agent, this.maxChunkSize, Checks.source(src), -1, Checks.timeout(timeout, unit),
				attachment, Checks.handler(handler))
			.start(this.writes, null);
	}

	/**
	 * Write every remaining byte of the buffer: copied at once into one POSM of that
	 * size, whatever the chunk size, then written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @return the number of bytes written: all that remained
	 */
	public CompletableFuture<Integer> writeFully(ByteBuffer src) {
		return writeFully(src, 0, TimeUnit.NANOSECONDS);
	}

	/**
	 * Write every remaining byte of the buffer within the given time: copied at once into
	 * one POSM of that size, whatever the chunk size, then written out completely.
	 * @param src the buffer, free for reuse when this returns
	 * @param timeout the time allowed for the whole write, 0 for no limit
	 * @param unit the unit of the timeout
	 * @return the number of bytes written: all that remained
	 */
	public CompletableFuture<Integer> writeFully(ByteBuffer src, long timeout, TimeUnit unit) {
		WriteCall call = new WriteCall(this.io, this.agent, Integer.MAX_VALUE, Checks.source(src), -1,
				Checks.timeout(timeout, unit));
		call.start(this.writes, null);
		return call.future();
	}

	/**
	 * Relay one chunk: read at most {@code maxBytes} into a POSM, write all of it to the
	 * target, release the POSM. With an agent, the chunk is one operation of it; with
	 * one chunk in flight per direction, a slow side holds the other back.
	 * @param target the channel to write to
	 * @param maxBytes the size of the POSM: the most one chunk carries, at least 1
	 * @return the number of bytes forwarded, -1 at the end of this channel's stream (then
	 * nothing is written: half-close the target with {@link #shutdownOutput()} if wanted)
	 */
	public CompletableFuture<Integer> forward(PosmSocketChannel target, int maxBytes) {
		return forward(target, maxBytes, 0, TimeUnit.NANOSECONDS);
	}

	/**
	 * Relay one chunk within the given time: read at most {@code maxBytes} into a POSM,
	 * write all of it to the target, release the POSM.
	 * @param target the channel to write to
	 * @param maxBytes the size of the POSM: the most one chunk carries, at least 1
	 * @param timeout the time allowed for the read and the write together, 0 for no limit
	 * @param unit the unit of the timeout
	 * @return the number of bytes forwarded, -1 at the end of this channel's stream
	 */
	public CompletableFuture<Integer> forward(PosmSocketChannel target, int maxBytes, long timeout, TimeUnit unit) {
		Objects.requireNonNull(target, "target must not be null");
		ForwardCall call = new ForwardCall(this.io, target.io, this.agent, Checks.chunkSize(maxBytes),
				Checks.timeout(timeout, unit));
		call.start(this.reads, target.writes);
		return call.future();
	}

	/**
	 * Relay one chunk within the given time, as {@link #forward(PosmSocketChannel, int,
	 * long, TimeUnit)} does, and complete the handler once its POSM is released. A relay
	 * that forwards chunk after chunk this way allocates nothing per chunk: the call,
	 * and the operation of the channel's agent, are reused from one chunk to the next.
	 * @param <A> the type of the attachment
	 * @param target the channel to write to
	 * @param maxBytes the size of the POSM: the most one chunk carries, at least 1
	 * @param timeout the time allowed for the read and the write together, 0 for no limit
	 * @param unit the unit of the timeout
	 * @param attachment the object handed to the handler
	 * @param handler the handler of the number of bytes forwarded, -1 at the end of this
	 * channel's stream
	 * @throws java.nio.channels.ReadPendingException if a read of this channel is in
	 * progress
	 * @throws java.nio.channels.WritePendingException if a write of the target is in
	 * progress
	 */
	public <A> void forward(PosmSocketChannel target, int maxBytes, long timeout, TimeUnit unit,
			@Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		Objects.requireNonNull(target, "target must not be null");
		int size = Checks.chunkSize(maxBytes);
		long timeoutNanos = Checks.timeout(timeout, unit);
		Checks.handler(handler);
		this.reads.enter();
		try {
			target.writes.enter();
		}
		catch (RuntimeException ex) {
			this.reads.leave();
			throw ex;
		}
		// ours alone while this channel's reads are occupied
		ForwardCall call = this.spareForward;
		if (call == null) {
			call = new ForwardCall(this.io, target.io, this.agent, size, timeoutNanos, attachment, handler);
			this.spareForward = call;
		}
		else {
			call.reuse(target.io, size, timeoutNanos, attachment, handler);
		}
		call.started(this.reads, target.writes);
	}

	/**
	 * Shut down the connection for reading, without closing the channel.
	 * @return this channel
	 * @throws IOException if the channel cannot be shut down
	 */
	public PosmSocketChannel shutdownInput() throws IOException {
		this.channel.shutdownInput();
		return this;
	}

	/**
	 * Shut down the connection for writing, without closing the channel: the peer reads
	 * the end of the stream (a half-close).
	 * @return this channel
	 * @throws IOException if the channel cannot be shut down
	 */
	public PosmSocketChannel shutdownOutput() throws IOException {
		this.channel.shutdownOutput();
		return this;
	}

	/**
	 * Return the address of the peer.
	 * @return the address, or {@code null} if not connected
	 * @throws IOException if the channel is closed or the address cannot be read
	 */
	public @Nullable SocketAddress getRemoteAddress() throws IOException {
		return this.channel.getRemoteAddress();
	}

	@Override
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	/**
	 * Close the channel. Calls in flight complete exceptionally, their POSMs released
	 * first.
	 * @throws IOException if closing fails
	 */
	@Override
	public void close() throws IOException {
		this.channel.close();
	}

	@Override
	public String toString() {
		return "PosmSocketChannel[" + this.channel + ((this.agent != null) ? ", " + this.agent : "") + "]";
	}

	/**
	 * The raw I/O of the socket.
	 */
	private static final class SocketIo implements ChannelIo {

		private final AsynchronousSocketChannel channel;

		SocketIo(AsynchronousSocketChannel channel) {
			this.channel = channel;
		}

		@Override
		public void read(ByteBuffer dst, long position, long timeoutNanos,
				CompletionHandler<Integer, @Nullable Void> handler) {
			this.channel.read(dst, timeoutNanos, TimeUnit.NANOSECONDS, null, handler);
		}

		@Override
		public void write(ByteBuffer src, long position, long timeoutNanos,
				CompletionHandler<Integer, @Nullable Void> handler) {
			this.channel.write(src, timeoutNanos, TimeUnit.NANOSECONDS, null, handler);
		}

		@Override
		public void abort() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing is how NIO.2 stops an I/O: the I/O fails whatever close says
			}
		}

	}

}
