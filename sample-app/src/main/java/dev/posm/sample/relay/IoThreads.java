package dev.posm.sample.relay;

import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Makes the threads of the relay's I/O group and tells how much heap memory they have
 * allocated, alive or ended: what a load test divides by its requests to get the
 * relay's allocation per request, with nothing else of the JVM mixed in. Threads are
 * tracked when made and when they end; the sum is read from the JVM's per-thread
 * counters only when asked (a meter being read), never on the relay's path.
 *
 * @author posm
 */
final class IoThreads implements ThreadFactory {

	private final String namePrefix;

	private final AtomicInteger counter = new AtomicInteger();

	private final com.sun.management.@Nullable ThreadMXBean threadBean;

	// guarded by this
	private final Set<Thread> live = new HashSet<>();

	// guarded by this: what threads that have ended allocated, so that the sum never goes back
	private long ended;

	/**
	 * Make daemon threads named after the given prefix and a number.
	 * @param namePrefix the prefix, such as {@code relay-io-}
	 */
	IoThreads(String namePrefix) {
		this.namePrefix = namePrefix;
		this.threadBean = measuringThreadBean();
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(() -> run(task), this.namePrefix + this.counter.incrementAndGet());
		thread.setDaemon(true);
		synchronized (this) {
			this.live.add(thread);
		}
		return thread;
	}

	/**
	 * Return whether this JVM counts the heap memory each thread allocates.
	 * @return {@code true} if {@link #allocatedBytes()} measures
	 */
	boolean isMeasuring() {
		return this.threadBean != null;
	}

	/**
	 * Return the bytes of heap memory allocated by the threads made here, those that have
	 * ended included.
	 * @return the bytes, or -1 if this JVM does not count them
	 */
	synchronized long allocatedBytes() {
		com.sun.management.ThreadMXBean threadBean = this.threadBean;
		if (threadBean == null) {
			return -1;
		}
		long[] ids = new long[this.live.size()];
		int i = 0;
		for (Thread thread : this.live) {
			ids[i++] = thread.getId();
		}
		long total = this.ended;
		for (long bytes : threadBean.getThreadAllocatedBytes(ids)) {
			// -1: made but not started yet
			total += Math.max(0, bytes);
		}
		return total;
	}

	private void run(Runnable task) {
		try {
			task.run();
		}
		finally {
			ended(Thread.currentThread());
		}
	}

	private synchronized void ended(Thread thread) {
		com.sun.management.ThreadMXBean threadBean = this.threadBean;
		if (this.live.remove(thread) && threadBean != null) {
			// read while the thread is still alive: a dead thread's count cannot be read
			this.ended += Math.max(0, threadBean.getThreadAllocatedBytes(thread.getId()));
		}
	}

	private static com.sun.management.@Nullable ThreadMXBean measuringThreadBean() {
		if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threadBean
				&& threadBean.isThreadAllocatedMemorySupported() && threadBean.isThreadAllocatedMemoryEnabled()) {
			return threadBean;
		}
		return null;
	}

}
