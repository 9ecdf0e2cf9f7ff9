package dev.posm.sample.relay;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The idle timeout of a server: every so often, on a thread of its own, it aborts the
 * connections that have moved no byte either way for the timeout. A connection is
 * closed between the timeout and the timeout plus one check period after its last
 * byte. The relay's own path pays nothing for it but a counter per chunk: the check
 * does the timekeeping.
 *
 * @author posm
 */
final class IdleCheck implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IdleCheck.class);

	private static final long MIN_PERIOD_MILLIS = 10;

	private static final long MAX_PERIOD_MILLIS = 1000;

	private final OpenConnections connections;

	private final long timeoutNanos;

	private final ScheduledExecutorService timer;

	private final AtomicLong closed;

	/**
	 * Start checking.
	 * @param connections the connections to check
	 * @param timeout how long a connection may be silent, more than zero
	 * @param closed the count of connections closed for silence, to add to
	 * @param threadName the name of the checking thread
	 */
	IdleCheck(OpenConnections connections, Duration timeout, AtomicLong closed, String threadName) {
		this.connections = connections;
		this.closed = closed;
		this.timeoutNanos = timeout.toNanos();
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			return thread;
		});
		long period = period(timeout);
		this.timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Return how often a timeout is checked: a tenth of it, between 10 ms and 1 s.
	 * @param timeout the timeout
	 * @return the period in milliseconds
	 */
	static long period(Duration timeout) {
		return Math.min(MAX_PERIOD_MILLIS, Math.max(MIN_PERIOD_MILLIS, timeout.toMillis() / 10));
	}

	private void check() {
		try {
			List<OpenConnections.Connection> idle = this.connections.idle(System.nanoTime(), this.timeoutNanos);
			if (idle.isEmpty()) {
				return;
			}
			// counted first: whoever sees a connection end may look at the count
			this.closed.addAndGet(idle.size());
			// outside the lock: an abort may finish a connection, which removes it
			idle.forEach(OpenConnections.Connection::abort);
			if (logger.isDebugEnabled()) {
				logger.debug("Closed " + idle.size() + " connections silent for "
						+ Duration.ofNanos(this.timeoutNanos));
			}
		}
		catch (RuntimeException ex) {
			// a scheduled task that throws is never run again: keep checking
			logger.warn("Checking for idle connections failed", ex);
		}
	}

	/**
	 * Stop checking.
	 */
	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
