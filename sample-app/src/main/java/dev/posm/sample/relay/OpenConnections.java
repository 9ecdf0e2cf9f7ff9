package dev.posm.sample.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connections of a server that have not finished yet, so that stopping the server
 * can end them and wait until each has returned its memory.
 *
 * @author posm
 */
final class OpenConnections {

	private final Set<Connection> connections = new HashSet<>();

	private boolean closed;

	/**
	 * Track a new connection.
	 * @param connection the connection
	 * @return {@code false} if the server is stopping: the caller must abort it
	 */
	synchronized boolean add(Connection connection) {
		if (this.closed) {
			return false;
		}
		this.connections.add(connection);
		return true;
	}

	/**
	 * Forget a connection that has finished.
	 * @param connection the connection
	 */
	synchronized void remove(Connection connection) {
		if (this.connections.remove(connection) && this.connections.isEmpty()) {
			notifyAll();
		}
	}

	/**
	 * Return how many connections have not finished.
	 * @return the number of connections
	 */
	synchronized int count() {
		return this.connections.size();
	}

	/**
	 * Return the connections that have moved nothing for the given time.
	 * @param now the time now, from {@link System#nanoTime()}
	 * @param timeoutNanos how long a connection must have been silent
	 * @return the silent connections, to be aborted by the caller
	 */
	synchronized List<Connection> idle(long now, long timeoutNanos) {
		List<Connection> idle = new ArrayList<>();
		for (Connection connection : this.connections) {
			if (connection.isIdle(now, timeoutNanos)) {
				idle.add(connection);
			}
		}
		return idle;
	}

	/**
	 * Refuse new connections, abort every open one, and wait until all have finished.
	 * @param timeout the longest time to wait
	 * @return whether every connection finished in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean abortAll(Duration timeout) throws InterruptedException {
		List<Connection> open;
		synchronized (this) {
			this.closed = true;
			open = new ArrayList<>(this.connections);
		}
		// outside the lock: an abort may finish a connection, which removes it
		open.forEach(Connection::abort);
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			while (!this.connections.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				wait(Math.max(1, left / 1_000_000));
			}
			return true;
		}
	}

	/**
	 * A connection that can be ended from outside.
	 */
	interface Connection {

		/**
		 * End the connection: close its sockets. Its I/O in flight fails, its memory is
		 * returned, then it removes itself.
		 */
		void abort();

		/**
		 * Tell whether the connection has moved no byte, either way, for the given time.
		 * Called by one thread at a time (with the connections locked), every so often.
		 * @param now the time now, from {@link System#nanoTime()}
		 * @param timeoutNanos how long the connection must have been silent
		 * @return {@code true} if it has been silent that long; by default never
		 */
		default boolean isIdle(long now, long timeoutNanos) {
			return false;
		}

	}

}
