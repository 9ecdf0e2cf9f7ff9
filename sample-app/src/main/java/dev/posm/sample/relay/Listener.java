package dev.posm.sample.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.Channel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A listening socket that accepts connections one after another and hands each to a
 * consumer, until closed.
 *
 * @author posm
 */
final class Listener implements CompletionHandler<AsynchronousSocketChannel, @Nullable Void>, AutoCloseable {

	private static final Log logger = LogFactory.getLog(Listener.class);

	// after an accept failed for want of resources (file descriptors): let some close
	private static final long RETRY_MILLIS = 100;

	private final AsynchronousServerSocketChannel server;

	private final Consumer<AsynchronousSocketChannel> connections;

	private final int port;

	private Listener(AsynchronousServerSocketChannel server, Consumer<AsynchronousSocketChannel> connections)
			throws IOException {
		this.server = server;
		this.connections = connections;
		this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
	}

	/**
	 * Listen on the given address and start accepting.
	 * @param group the group whose threads complete the accepts
	 * @param address the address to listen on, port 0 for a free port
	 * @param backlog the connections the system may queue until they are accepted (it
	 * caps the number at its own limit)
	 * @param connections what to do with each accepted connection
	 * @return the listener
	 * @throws IOException if the address cannot be bound
	 */
	static Listener listen(AsynchronousChannelGroup group, InetSocketAddress address, int backlog,
			Consumer<AsynchronousSocketChannel> connections) throws IOException {
		AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group);
		try {
			server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			server.bind(address, backlog);
			Listener listener = new Listener(server, connections);
			listener.acceptNext();
			return listener;
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * Return the port this listener is bound to.
	 * @return the port
	 */
	int port() {
		return this.port;
	}

	@Override
	public void completed(AsynchronousSocketChannel channel, @Nullable Void ignored) {
		acceptNext();
		try {
			this.connections.accept(channel);
		}
		catch (RuntimeException ex) {
			logger.warn("Dropped a connection that could not be set up", ex);
			closeQuietly(channel);
		}
	}

	@Override
	public void failed(Throwable ex, @Nullable Void ignored) {
		if (!this.server.isOpen()) {
			return;
		}
		logger.warn("Accepting a connection failed; accepting again in " + RETRY_MILLIS + " ms: " + ex);
		CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(this::acceptNext);
	}

	private void acceptNext() {
		if (!this.server.isOpen()) {
			return;
		}
		try {
			this.server.accept(null, this);
		}
		catch (RuntimeException ex) {
			// closed, or its group shut down, between the check and the accept
			if (this.server.isOpen()) {
				logger.warn("Cannot accept connections any more", ex);
			}
		}
	}

	/**
	 * Stop listening. Connections accepted before stay open.
	 */
	@Override
	public void close() {
		closeQuietly(this.server);
	}

	static void closeQuietly(Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing to do: the descriptor is released whatever close reports
		}
	}

}
