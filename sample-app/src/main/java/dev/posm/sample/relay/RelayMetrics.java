package dev.posm.sample.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The relay's meters. {@value #ALLOCATED}: the heap memory its I/O threads have
 * allocated, read from the JVM's per-thread counters when the meter is read. A load test
 * diffs it around a run and divides by the requests; the JVM-wide figures would mix in
 * the Actuator's own work. Not registered on a JVM that does not count allocation per
 * thread. {@value #IDLE_CLOSED}: the connections closed by the idle timeout.
 *
 * @author posm
 */
final class RelayMetrics implements MeterBinder {

	/** Name of the counter of bytes allocated by the relay's I/O threads. */
	static final String ALLOCATED = "sample.relay.allocated.bytes";

	/** Name of the counter of connections closed because they were silent too long. */
	static final String IDLE_CLOSED = "sample.relay.idle.closed";

	private final RelayServer relay;

	RelayMetrics(RelayServer relay) {
		this.relay = relay;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder(IDLE_CLOSED, this.relay, RelayServer::getIdleClosedCount)
			.description("Connections the relay closed because they moved no byte for sample.relay.idle-timeout")
			.register(registry);
		if (this.relay.getAllocatedBytes() < 0) {
			return;
		}
		FunctionCounter.builder(ALLOCATED, this.relay, RelayServer::getAllocatedBytes)
			.baseUnit(BaseUnits.BYTES)
			.description("Heap memory allocated by the relay's I/O threads")
			.register(registry);
	}

}
