package dev.posm.sample.webflux.metrics;

import java.lang.management.ManagementFactory;

import com.sun.management.ThreadMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code sample.heap.allocated}: the bytes every thread of the JVM allocated on the heap
 * since it started ({@link ThreadMXBean#getTotalThreadAllocatedBytes()}, threads that
 * ended included). Exact at any moment, unlike {@code jvm.gc.memory.allocated}, which
 * moves only at a collection: read before and after a load, it is what the load cost in
 * heap.
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
		FunctionCounter.builder("sample.heap.allocated", this.threads, ThreadMXBean::getTotalThreadAllocatedBytes)
			.description("Bytes allocated on the heap by every thread since the JVM started")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
	}

}
