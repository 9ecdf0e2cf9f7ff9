package dev.posm.sample.relay;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.posm.Agent;
import dev.posm.nio.PosmSocketChannel;

/**
 * One connection of the built-in echo server: each chunk read is written back, one
 * {@link PosmSocketChannel#forward forward} of the channel to itself, one operation of
 * the connection's agent. At the end of the client's stream it half-closes in turn.
 *
 * @author posm
 */
final class EchoConnection implements OpenConnections.Connection {

	private static final Log logger = LogFactory.getLog(EchoConnection.class);

	private final Agent agent;

	private final PosmSocketChannel channel;

	private final int chunkSize;

	private final Consumer<EchoConnection> finished;

	private final AtomicBoolean done = new AtomicBoolean();

	EchoConnection(Agent agent, PosmSocketChannel channel, int chunkSize, Consumer<EchoConnection> finished) {
		this.agent = agent;
		this.channel = channel;
		this.chunkSize = chunkSize;
		this.finished = finished;
	}

	/**
	 * Echo until the client stops.
	 */
	void start() {
		try {
			this.channel.forward(this.channel, this.chunkSize).whenComplete((count, failure) -> {
				if (failure != null) {
					logger.debug("Echo connection ended by " + failure);
					finish();
				}
				else if (count < 0) {
					try {
						this.channel.shutdownOutput();
					}
					catch (IOException ex) {
						logger.debug("Could not half-close an echo connection", ex);
					}
					finish();
				}
				else {
					start();
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Echo connection refused a read", ex);
			finish();
		}
	}

	private void finish() {
		if (this.done.compareAndSet(false, true)) {
			Listener.closeQuietly(this.channel);
			this.agent.close();
			this.finished.accept(this);
		}
	}

	@Override
	public void abort() {
		Listener.closeQuietly(this.channel);
	}

}
