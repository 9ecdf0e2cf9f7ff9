package dev.posm;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of every agent of one name.
 *
 * @author posm
 */
final class AgentCounters {

	private final LongAdder operations = new LongAdder();

	private final AtomicLong active = new AtomicLong();

	private final LongAdder failed = new LongAdder();

	private final LongAdder allocations = new LongAdder();

	private final LongAdder recycled = new LongAdder();

	private final LongAdder reclaimed = new LongAdder();

	private final BytesInUse bytes = new BytesInUse();

	// Completed operations are read as operations - active - failed (snapshot reads in
	// that order). Raising active before operations, and failed before lowering active,
	// keeps that difference from ever counting an operation as succeeded before it has.
	void begun() {
		this.active.incrementAndGet();
		this.operations.increment();
	}

	void ended(boolean failed) {
		if (failed) {
			this.failed.increment();
		}
		this.active.decrementAndGet();
	}

	void leased(Posm posm) {
		this.allocations.increment();
		if (!posm.fresh) {
			this.recycled.increment();
		}
		this.bytes.add(posm.capacity);
	}

	void returned(Posm posm, boolean reclaimed) {
		if (reclaimed) {
			this.reclaimed.increment();
		}
		this.bytes.subtract(posm.capacity);
	}

	AgentStats snapshot() {
		return new AgentStats(this.operations.sum(), this.active.get(), this.failed.sum(), this.allocations.sum(),
				this.recycled.sum(), this.reclaimed.sum(), this.bytes.current(), this.bytes.peak());
	}

}
