package dev.posm.sample.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.unit.DataSize;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.nio.PosmSocketChannel;

/**
 * The TCP relay: listens on {@code sample.relay.port} and relays every connection, both
 * ways, to {@code sample.relay.upstream}, or to a built-in echo server when no upstream
 * is configured. Each connection is an agent named {@value #AGENT}, opened when the
 * connection is accepted and closed when it ends (see {@link RelayConnection}). A
 * connection that moves no byte either way for {@code sample.relay.idle-timeout} is
 * closed, and its memory returned.
 * <p>
 * Binds when the application context starts; on stop, stops listening, ends every
 * connection and waits until each has returned its memory.
 *
 * @author posm
 */
public class RelayServer implements SmartLifecycle {

	/** Name of the agents of relayed connections. */
	public static final String AGENT = "relay";

	private static final Log logger = LogFactory.getLog(RelayServer.class);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private final RelayProperties properties;

	private final Agents agents;

	// kept across restarts: the heap memory they allocated is read as one growing sum
	private final IoThreads ioThreads = new IoThreads("relay-io-");

	// kept across restarts too: a counter that never goes back
	private final AtomicLong idleClosed = new AtomicLong();

	private @Nullable Running running;

	/**
	 * Create a relay, not started.
	 * @param properties its configuration
	 * @param agents the agents to open one per connection from
	 */
	public RelayServer(RelayProperties properties, Agents agents) {
		this.properties = properties;
		this.agents = agents;
	}

	@Override
	public synchronized void start() {
		if (this.running != null) {
			return;
		}
		AsynchronousChannelGroup group = openGroup(this.properties.getIoThreads(), this.ioThreads);
		try {
			this.running = new Running(group);
		}
		catch (RuntimeException ex) {
			shutdown(group);
			throw ex;
		}
	}

	@Override
	public synchronized void stop() {
		Running running = this.running;
		if (running != null) {
			this.running = null;
			running.stop();
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running != null;
	}

	/**
	 * Return the port the relay listens on: the configured one, or the one picked when
	 * {@code sample.relay.port} is 0.
	 * @return the port
	 * @throws IllegalStateException if the relay is not running
	 */
	public synchronized int getPort() {
		return running().listener.port();
	}

	/**
	 * Return where the relay forwards connections to.
	 * @return the upstream address, the echo server's if none is configured
	 * @throws IllegalStateException if the relay is not running
	 */
	public synchronized HostAndPort getUpstream() {
		return running().upstream;
	}

	/**
	 * Return the number of connections being relayed now.
	 * @return the number of connections
	 */
	public synchronized int getConnectionCount() {
		Running running = this.running;
		return (running != null) ? running.connections.count() : 0;
	}

	/**
	 * Return how many connections the relay has closed because they were silent for
	 * {@code sample.relay.idle-timeout}, since it was created.
	 * @return the number of connections
	 */
	public long getIdleClosedCount() {
		return this.idleClosed.get();
	}

	/**
	 * Return the bytes of heap memory the relay's I/O threads have allocated since the
	 * relay was created: its own allocation, the JDK's socket internals and posm's
	 * included (and the built-in echo server's, which shares the threads).
	 * @return the bytes, or -1 if this JVM does not count them
	 */
	public long getAllocatedBytes() {
		return this.ioThreads.allocatedBytes();
	}

	private Running running() {
		Running running = this.running;
		if (running == null) {
			throw new IllegalStateException("The relay is not running");
		}
		return running;
	}

	private static AsynchronousChannelGroup openGroup(int threads, ThreadFactory threadFactory) {
		try {
			return AsynchronousChannelGroup.withFixedThreadPool(threads, threadFactory);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create the relay's I/O threads", ex);
		}
	}

	private static String readable(DataSize size) {
		long bytes = size.toBytes();
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + "MB";
		}
		return (bytes % 1024 == 0) ? (bytes / 1024) + "KB" : bytes + "B";
	}

	private static void shutdown(AsynchronousChannelGroup group) {
		try {
			group.shutdownNow();
		}
		catch (IOException ex) {
			logger.debug("Closing the relay's channels failed", ex);
		}
	}

	/**
	 * A started relay: its threads, its listener, its echo server if any, its
	 * connections.
	 */
	private final class Running {

		private final AsynchronousChannelGroup group;

		private final @Nullable EchoServer echo;

		private final HostAndPort upstream;

		private final OpenConnections connections = new OpenConnections();

		private final Listener listener;

		private final @Nullable IdleCheck idleCheck;

		private final RelayConnection.Settings settings;

		Running(AsynchronousChannelGroup group) {
			RelayProperties properties = RelayServer.this.properties;
			this.group = group;
			int transferSize = (int) properties.getTransferBuffer().toBytes();
			HostAndPort configured = properties.upstreamAddress();
			if (configured == null) {
				try {
					this.echo = EchoServer.start(group, RelayServer.this.agents, transferSize,
							properties.getBacklog());
				}
				catch (IOException ex) {
					throw new IllegalStateException("Cannot start the built-in echo upstream: " + ex, ex);
				}
				this.upstream = this.echo.address();
			}
			else {
				this.echo = null;
				this.upstream = configured;
			}
			HostAndPort upstream = this.upstream;
			this.settings = new RelayConnection.Settings(group, upstream::resolve, upstream.toString(),
					properties.getConnectTimeout(), (int) properties.getIdleBuffer().toBytes(),
					(int) properties.getHandshakeBuffer().toBytes(), transferSize);
			InetSocketAddress address = new InetSocketAddress(properties.getAddress(), properties.getPort());
			try {
				this.listener = Listener.listen(group, address, properties.getBacklog(), this::accepted);
			}
			catch (IOException ex) {
				closeEcho();
				throw new IllegalStateException("The relay cannot listen on " + address.getAddress().getHostAddress()
						+ " port " + properties.getPort() + " (sample.relay.address, sample.relay.port): " + ex
						+ ". Pick another port, 0 for a free one.", ex);
			}
			Duration idleTimeout = properties.getIdleTimeout();
			this.idleCheck = idleTimeout.isZero() ? null
					: new IdleCheck(this.connections, idleTimeout, RelayServer.this.idleClosed, "relay-idle-check");
			logger.info("Relay listening on " + address.getAddress().getHostAddress() + ":" + this.listener.port()
					+ ", relaying to " + this.upstream + ((this.echo != null) ? " (built-in echo upstream)" : "")
					+ " with " + readable(properties.getIdleBuffer()) + " idle, "
					+ readable(properties.getHandshakeBuffer()) + " handshake and "
					+ readable(properties.getTransferBuffer()) + " transfer POSMs, idle timeout "
					+ (idleTimeout.isZero() ? "none" : idleTimeout.toString()));
		}

		private void accepted(AsynchronousSocketChannel client) {
			Agent agent = RelayServer.this.agents.open(AGENT);
			try {
				client.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("Cannot set up an accepted connection: " + ex);
				Listener.closeQuietly(client);
				agent.close();
				return;
			}
			RelayConnection connection = new RelayConnection(agent, new PosmSocketChannel(client, agent),
					this.settings, this.connections::remove);
			if (this.connections.add(connection)) {
				connection.start();
			}
			else {
				Listener.closeQuietly(client);
				agent.close();
			}
		}

		void stop() {
			this.listener.close();
			if (this.idleCheck != null) {
				this.idleCheck.close();
			}
			try {
				if (!this.connections.abortAll(STOP_TIMEOUT)) {
					logger.warn("Relay connections still open after " + STOP_TIMEOUT.toSeconds() + " s: "
							+ this.connections.count());
				}
				closeEcho();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				shutdown(this.group);
				try {
					if (!this.group.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
						logger.warn("Relay I/O threads still running after " + STOP_TIMEOUT.toSeconds() + " s");
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		private void closeEcho() {
			EchoServer echo = this.echo;
			if (echo != null) {
				try {
					echo.close();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
