package dev.posm.sample.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.posm.Agent;
import dev.posm.nio.PosmSocketChannel;

/**
 * One relayed connection: a client, its upstream, and the agent that owns the memory of
 * both directions. Every chunk is one {@link PosmSocketChannel#forward forward}, one
 * operation of the agent with one POSM, and the next chunk of a direction is read only
 * once the previous one has been written out: a slow reader holds its writer back, and
 * never more than one POSM is in flight per direction.
 * <p>
 * A pending NIO.2 read needs its buffer for as long as it waits, so how large a read's
 * POSM is follows what the last read of that direction saw: after a read that did not
 * fill its POSM (the peer has said what it had to say), the next read waits with a
 * small idle POSM; after one that filled it (more is coming), the next takes the
 * handshake size (the client's first such read) or the transfer size. A silent
 * connection therefore holds an idle POSM per direction, whatever it moved before.
 * <p>
 * The upstream is connected when the client's first bytes have come, not when the
 * client connects: a connection that never speaks holds one socket and one idle POSM,
 * and nothing towards the upstream. This suits protocols where the client speaks first,
 * such as Redis and HTTP.
 * <p>
 * The end of the client's stream is passed on as a half-close of the upstream, which
 * answers what it was asked and then ends its own. The end of the upstream's stream
 * ends the connection: its last bytes have been written to the client, which is
 * half-closed and then closed. A failure on either side (a reset, a refused or vanished
 * upstream) or an {@link #abort() abort} (stop, idle timeout) closes both sockets at
 * once. Either way the calls in flight fail and release their POSMs, and the agent is
 * closed last.
 *
 * @author posm
 */
final class RelayConnection implements OpenConnections.Connection {

	private static final Log logger = LogFactory.getLog(RelayConnection.class);

	private final Agent agent;

	private final PosmSocketChannel client;

	private final Settings settings;

	private final Consumer<RelayConnection> finished;

	private volatile @Nullable PosmSocketChannel upstream;

	// chains of calls still running: the first request's, then one per direction
	private final AtomicInteger chains = new AtomicInteger(1);

	private final AtomicBoolean done = new AtomicBoolean();

	private volatile boolean aborted;

	// chunks moved each way, each written by its own direction only: the idle check reads them
	private volatile int requestChunks;

	private volatile int replyChunks;

	// the idle check's own, read and written with the connections locked
	private int chunksSeen;

	private long quietSince = System.nanoTime();

	RelayConnection(Agent agent, PosmSocketChannel client, Settings settings, Consumer<RelayConnection> finished) {
		this.agent = agent;
		this.client = client;
		this.settings = settings;
		this.finished = finished;
	}

	/**
	 * Wait for the client's first bytes, then connect to the upstream and relay.
	 */
	void start() {
		// heap memory for the time of the connect only: the read itself goes through a POSM
		ByteBuffer first = ByteBuffer.allocate(this.settings.idleSize());
		read(this.client, first).whenComplete((count, failure) -> {
			if (failure != null) {
				failed(failure);
			}
			else if (count < 0) {
				// gone before a word: nothing to pass on
				chainEnded();
			}
			else {
				this.requestChunks++;
				connect(first.flip(), count == first.capacity());
			}
		});
	}

	private void connect(ByteBuffer first, boolean more) {
		InetSocketAddress address;
		PosmSocketChannel upstream;
		CompletableFuture<Void> connected;
		try {
			address = this.settings.upstream().get();
			upstream = openUpstream();
			connected = upstream.connect(address)
				.orTimeout(this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (IOException | RuntimeException ex) {
			// an unresolved host name is thrown, not reported
			upstreamFailed(ex);
			return;
		}
		connected.whenComplete((ignored, failure) -> {
			if (failure != null) {
				upstreamFailed(unwrap(failure));
			}
			else {
				writeFirst(upstream, first, more);
			}
		});
	}

	private void writeFirst(PosmSocketChannel upstream, ByteBuffer first, boolean more) {
		CompletableFuture<Integer> written;
		try {
			written = upstream.writeFully(first);
		}
		catch (RuntimeException ex) {
			written = CompletableFuture.failedFuture(ex);
		}
		written.whenComplete((count, failure) -> {
			if (failure != null) {
				failed(failure);
				return;
			}
			this.chains.incrementAndGet();
			Direction requests = new Direction(this.client, upstream, true);
			requests.relay(more ? requests.fullSize() : this.settings.idleSize());
			new Direction(upstream, this.client, false).relay(this.settings.idleSize());
		});
	}

	private PosmSocketChannel openUpstream() throws IOException {
		AsynchronousSocketChannel channel = AsynchronousSocketChannel.open(this.settings.group());
		PosmSocketChannel upstream = new PosmSocketChannel(channel, this.agent);
		this.upstream = upstream;
		if (this.aborted) {
			// aborted while we opened: the abort may not have seen this channel
			Listener.closeQuietly(upstream);
		}
		channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		return upstream;
	}

	private static CompletableFuture<Integer> read(PosmSocketChannel source, ByteBuffer into) {
		try {
			return source.read(into);
		}
		catch (RuntimeException ex) {
			// thrown only when the channel refuses the read outright
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void clientEnded(PosmSocketChannel upstream) {
		try {
			upstream.shutdownOutput();
		}
		catch (IOException ex) {
			// the upstream is gone already: its own direction fails and ends the connection
			logger.debug("Could not pass on a half-close", ex);
		}
		chainEnded();
	}

	private void upstreamEnded() {
		try {
			this.client.shutdownOutput();
		}
		catch (IOException ex) {
			logger.debug("Could not pass on the upstream's end", ex);
		}
		// the client's direction may be waiting for a request that can go nowhere
		closeChannels();
		chainEnded();
	}

	private void failed(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (logger.isDebugEnabled() && !(cause instanceof AsynchronousCloseException)) {
			logger.debug("Relay connection ended by " + cause);
		}
		closeChannels();
		chainEnded();
	}

	private void upstreamFailed(Throwable failure) {
		if (!this.aborted) {
			String reason = (failure instanceof TimeoutException) ? "no answer in time" : String.valueOf(failure);
			logger.warn("Relay cannot reach upstream " + this.settings.upstreamName() + ": " + reason
					+ "; closing the client connection");
		}
		closeChannels();
		chainEnded();
	}

	private void chainEnded() {
		if (this.chains.decrementAndGet() == 0) {
			finish();
		}
	}

	private void finish() {
		if (this.done.compareAndSet(false, true)) {
			closeChannels();
			// every call has completed: nothing is held, the cached blocks go back
			this.agent.close();
			this.finished.accept(this);
		}
	}

	@Override
	public void abort() {
		this.aborted = true;
		closeChannels();
	}

	@Override
	public boolean isIdle(long now, long timeoutNanos) {
		int chunks = this.requestChunks + this.replyChunks;
		if (chunks != this.chunksSeen) {
			this.chunksSeen = chunks;
			this.quietSince = now;
			return false;
		}
		return now - this.quietSince >= timeoutNanos;
	}

	private void closeChannels() {
		Listener.closeQuietly(this.client);
		PosmSocketChannel upstream = this.upstream;
		if (upstream != null) {
			Listener.closeQuietly(upstream);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * One direction of the connection: chunk after chunk from one side to the other, on
	 * one chain of calls, so its fields need no lock.
	 */
	private final class Direction implements CompletionHandler<Integer, @Nullable Void> {

		private final PosmSocketChannel source;

		private final PosmSocketChannel target;

		private final boolean requests;

		private boolean handshakeTaken;

		// the size of the chunk in flight
		private int size;

		Direction(PosmSocketChannel source, PosmSocketChannel target, boolean requests) {
			this.source = source;
			this.target = target;
			this.requests = requests;
			// only the client's direction starts with a handshake
			this.handshakeTaken = !requests;
		}

		void relay(int size) {
			this.size = size;
			try {
				// the handler form: the channel reuses its call, nothing allocated per chunk
				this.source.forward(this.target, size, 0, TimeUnit.NANOSECONDS, null, this);
			}
			catch (RuntimeException ex) {
				// thrown only when the channel refuses the read outright
				failed(ex, null);
			}
		}

		@Override
		public void completed(Integer count, @Nullable Void ignored) {
			if (count < 0) {
				if (this.requests) {
					clientEnded(this.target);
				}
				else {
					upstreamEnded();
				}
				return;
			}
			moved();
			relay((count == this.size) ? fullSize() : RelayConnection.this.settings.idleSize());
		}

		@Override
		public void failed(Throwable failure, @Nullable Void ignored) {
			RelayConnection.this.failed(failure);
		}

		/**
		 * Return the size of a read after a full one: the handshake size the first time
		 * on the client's side, the transfer size after that.
		 */
		int fullSize() {
			Settings settings = RelayConnection.this.settings;
			if (this.handshakeTaken) {
				return settings.transferSize();
			}
			this.handshakeTaken = true;
			return settings.handshakeSize();
		}

		private void moved() {
			if (this.requests) {
				RelayConnection.this.requestChunks++;
			}
			else {
				RelayConnection.this.replyChunks++;
			}
		}

	}

	/**
	 * What every connection of a relay shares.
	 *
	 * @param group the group to open upstream channels in
	 * @param upstream where to connect, resolved at each connect
	 * @param upstreamName the upstream as configured, for messages
	 * @param connectTimeout the time allowed to connect
	 * @param idleSize the POSM of a read while its side is silent
	 * @param handshakeSize the POSM of the client's first read after a full one
	 * @param transferSize the POSM of every later read after a full one
	 */
	record Settings(AsynchronousChannelGroup group, Supplier<InetSocketAddress> upstream, String upstreamName,
			Duration connectTimeout, int idleSize, int handshakeSize, int transferSize) {

	}

}
