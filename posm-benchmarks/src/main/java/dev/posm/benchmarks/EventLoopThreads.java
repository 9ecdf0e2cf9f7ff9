package dev.posm.benchmarks;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * JMH's benchmark threads as Netty's event loop threads ({@link FastThreadLocalThread}s):
 * Netty's allocators recycle their buffer objects and keep thread caches only on such
 * threads, so a benchmark of Netty buffers on JMH's plain threads would measure Netty as
 * it never runs in a server. Chosen with {@code -Djmh.executor=CUSTOM
 * -Djmh.executor.class=dev.posm.benchmarks.EventLoopThreads}.
 *
 * @author posm
 */
public final class EventLoopThreads extends ThreadPoolExecutor {

	/**
	 * Create the executor, as JMH does.
	 * @param threads the benchmark threads
	 * @param prefix the prefix of their names
	 */
	public EventLoopThreads(int threads, String prefix) {
		super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new Named(prefix));
	}

	private static final class Named implements java.util.concurrent.ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		Named(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new FastThreadLocalThread(task, this.prefix + "-event-loop-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
