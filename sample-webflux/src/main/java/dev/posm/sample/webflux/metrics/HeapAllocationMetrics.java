package dev.posm.sample.webflux.metrics;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code sample.heap.allocated}: the bytes the live threads of the JVM have allocated on
 * the heap ({@link ThreadMXBean#getThreadAllocatedBytes(long[])} summed over every live
 * thread). Exact when read, unlike {@code jvm.gc.memory.allocated}, which moves only at a
 * collection: read before and after a load, it is what the load cost in heap. A thread
 * that ends in between takes its count with it; Reactor Netty's event loops, which serve
 * every request, live as long as the server. ({@code getTotalThreadAllocatedBytes}, which
 * counts ended threads too, is not in Java 17's API.) A gauge, not a counter: it is a
 * running total, but one that a thread's end makes smaller.
 *
 * @author posm
 */
public class HeapAllocationMetrics implements MeterBinder {

	private final ThreadMXBean threads;

	/**
	 * Create the binder over the JVM's thread bean.
	 */
	public HeapAllocationMetrics() {
		this.threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (!this.threads.isThreadAllocatedMemorySupported()) {
			return;
		}
		this.threads.setThreadAllocatedMemoryEnabled(true);
		Gauge.builder("sample.heap.allocated", this.threads, HeapAllocationMetrics::allocatedByLiveThreads)
			.description("Bytes allocated on the heap by the live threads of the JVM")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
	}

	private static double allocatedByLiveThreads(ThreadMXBean threads) {
		long total = 0;
		for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			// -1: the thread ended between the two calls
			total += Math.max(bytes, 0);
		}
		return total;
	}

}
