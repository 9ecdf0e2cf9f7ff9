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

	/** Bytes held by every agent of the name; the peak is the most ONE agent held at once. */
	private final AtomicLong bytesInUse = new AtomicLong();

	private final BytesInUse peakOfOneAgent = new BytesInUse();

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

	void leased(Posm posm, long agentBytesInUse) {
		this.allocations.increment();
		if (!posm.fresh) {
			this.recycled.increment();
		}
		this.bytesInUse.addAndGet(posm.capacity);
		this.peakOfOneAgent.raisePeak(agentBytesInUse);
	}

	void returned(Posm posm, boolean reclaimed) {
		if (reclaimed) {
			this.reclaimed.increment();
		}
		this.bytesInUse.addAndGet(-posm.capacity);
	}

	AgentStats snapshot() {
		return new AgentStats(this.operations.sum(), this.active.get(), this.failed.sum(), this.allocations.sum(),
				this.recycled.sum(), this.reclaimed.sum(), this.bytesInUse.get(), this.peakOfOneAgent.peak());
	}

}
