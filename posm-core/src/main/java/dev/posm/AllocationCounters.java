package dev.posm;

import java.util.concurrent.atomic.LongAdder;

/**
 * The holder-level counters of one allocator: every POSM taken from it, whichever
 * cache served it, and every POSM given back, whichever way.
 *
 * @author posm
 */
final class AllocationCounters {

	private final LongAdder recycled = new LongAdder();

	private final LongAdder fresh = new LongAdder();

	private final LongAdder releases = new LongAdder();

	private final LongAdder reclaimed = new LongAdder();

	private final LongAdder leaks = new LongAdder();

	private final BytesInUse bytes = new BytesInUse();

	void leased(Posm posm) {
		(posm.fresh ? this.fresh : this.recycled).increment();
		this.bytes.add(posm.capacity);
	}

	void returned(Posm posm, boolean reclaimed) {
		(reclaimed ? this.reclaimed : this.releases).increment();
		this.bytes.subtract(posm.capacity);
	}

	void leaked(int capacity) {
		this.leaks.increment();
		this.reclaimed.increment();
		this.bytes.subtract(capacity);
	}

	long leaks() {
		return this.leaks.sum();
	}

	AllocatorStats snapshot(long retainedBytes) {
		// read the returns before the allocations so a racing pair never shows as negative
		long releases = this.releases.sum();
		long reclaimed = this.reclaimed.sum();
		long recycled = this.recycled.sum();
		long fresh = this.fresh.sum();
		return new AllocatorStats(recycled + fresh, recycled, fresh, releases, reclaimed, this.bytes.current(),
				this.bytes.peak(), retainedBytes);
	}

}
