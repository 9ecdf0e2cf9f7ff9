package dev.posm.sample.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.posm.Agent;
import dev.posm.nio.PosmSocketChannel;

/**
 * One relayed connection: a client, its upstream, and the agent that owns the memory of
 * both directions. Every chunk is one {@link PosmSocketChannel#forward forward}, one
 * operation of the agent with one POSM, and the next chunk of a direction is read only
 * once the previous one has been written out: a slow reader holds its writer back, and
 * never more than one POSM is in flight per direction.
 * <p>
 * The client's first request is read into a POSM of the handshake size; only once it
 * has been written upstream (and its POSM released) does the relay start reading
 * replies, both directions then with transfer-size POSMs. The most the agent holds at
 * once is therefore the handshake block, not the sum of all three. This suits protocols
 * where the client speaks first, such as Redis and HTTP.
 * <p>
 * The end of a stream on one side is passed on as a half-close of the other side; the
 * connection finishes when both directions have ended, or at once when either side
 * fails (a reset, a refused or vanished upstream): both sockets are closed, the calls in
 * flight fail and release their POSMs, and the agent is closed last.
 *
 * @author posm
 */
final class RelayConnection implements OpenConnections.Connection {

	private static final Log logger = LogFactory.getLog(RelayConnection.class);

	private final Agent agent;

	private final PosmSocketChannel client;

	private final PosmSocketChannel upstream;

	private final int handshakeSize;

	private final int transferSize;

	private final Consumer<RelayConnection> finished;

	// directions still relaying: the client's starts with the handshake, the upstream's after it
	private final AtomicInteger directions = new AtomicInteger(1);

	private final AtomicBoolean done = new AtomicBoolean();

	private volatile boolean aborted;

	RelayConnection(Agent agent, PosmSocketChannel client, PosmSocketChannel upstream, int handshakeSize,
			int transferSize, Consumer<RelayConnection> finished) {
		this.agent = agent;
		this.client = client;
		this.upstream = upstream;
		this.handshakeSize = handshakeSize;
		this.transferSize = transferSize;
		this.finished = finished;
	}

	/**
	 * Connect to the upstream, then relay.
	 * @param upstreamAddress where to connect
	 * @param connectTimeout the time allowed to connect
	 */
	void start(InetSocketAddress upstreamAddress, Duration connectTimeout) {
		CompletableFuture<Void> connected;
		try {
			connected = this.upstream.connect(upstreamAddress)
				.orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// an unresolved host name is thrown, not reported
			upstreamFailed(upstreamAddress, ex);
			return;
		}
		connected.whenComplete((ignored, failure) -> {
			if (failure != null) {
				upstreamFailed(upstreamAddress, unwrap(failure));
			}
			else {
				handshake();
			}
		});
	}

	private void handshake() {
		forward(this.client, this.upstream, this.handshakeSize).whenComplete((count, failure) -> {
			if (failure != null) {
				failed(failure);
				return;
			}
			// now, and not before: the handshake block is back, replies may take theirs
			this.directions.incrementAndGet();
			if (count < 0) {
				endOfStream(this.upstream);
			}
			else {
				relay(this.client, this.upstream);
			}
			relay(this.upstream, this.client);
		});
	}

	private void relay(PosmSocketChannel source, PosmSocketChannel target) {
		forward(source, target, this.transferSize).whenComplete((count, failure) -> {
			if (failure != null) {
				failed(failure);
			}
			else if (count < 0) {
				endOfStream(target);
			}
			else {
				relay(source, target);
			}
		});
	}

	private static CompletableFuture<Integer> forward(PosmSocketChannel source, PosmSocketChannel target,
			int size) {
		try {
			return source.forward(target, size);
		}
		catch (RuntimeException ex) {
			// thrown only when the channel refuses the read outright
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void endOfStream(PosmSocketChannel target) {
		try {
			target.shutdownOutput();
		}
		catch (IOException ex) {
			// the other side is gone already: its own direction fails and ends the connection
			logger.debug("Could not pass on a half-close", ex);
		}
		directionEnded();
	}

	private void failed(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (logger.isDebugEnabled() && !(cause instanceof AsynchronousCloseException)) {
			logger.debug("Relay connection ended by " + cause);
		}
		closeChannels();
		directionEnded();
	}

	private void upstreamFailed(InetSocketAddress address, Throwable failure) {
		if (this.aborted) {
			directionEnded();
			return;
		}
		String reason = (failure instanceof TimeoutException) ? "no answer in time" : String.valueOf(failure);
		logger.warn("Relay cannot reach upstream " + address + ": " + reason + "; closing the client connection");
		directionEnded();
	}

	private void directionEnded() {
		if (this.directions.decrementAndGet() == 0) {
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

	private void closeChannels() {
		Listener.closeQuietly(this.client);
		Listener.closeQuietly(this.upstream);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
