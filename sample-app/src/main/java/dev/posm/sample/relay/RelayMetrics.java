package dev.posm.sample.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The relay's meter {@value #ALLOCATED}: the heap memory its I/O threads have allocated,
 * read from the JVM's per-thread counters when the meter is read. A load test diffs it
 * around a run and divides by the requests; the JVM-wide figures would mix in the
 * Actuator's own work. Not registered on a JVM that does not count allocation per
 * thread.
 *
 * @author posm
 */
final class RelayMetrics implements MeterBinder {

	/** Name of the counter of bytes allocated by the relay's I/O threads. */
	static final String ALLOCATED = "sample.relay.allocated.bytes";

	private final RelayServer relay;

	RelayMetrics(RelayServer relay) {
		this.relay = relay;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.relay.getAllocatedBytes() < 0) {
			return;
		}
		FunctionCounter.builder(ALLOCATED, this.relay, RelayServer::getAllocatedBytes)
			.baseUnit(BaseUnits.BYTES)
			.description("Heap memory allocated by the relay's I/O threads")
			.register(registry);
	}

}
