package dev.posm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.posm.alloc.Block;
import dev.posm.alloc.Stripes;

/**
 * The accounts of one allocator: a tally per stripe of threads for POSMs taken from the
 * allocator directly, the tallies of the agents bound to it, and the totals of agents
 * that closed. Stats are their sum, made when read.
 * <p>
 * The peak is kept without a shared write per take: whenever one tally reaches a new
 * peak of its own, the bytes in use of every tally are summed and the allocator's peak
 * raised to that sum; every stats read raises it to the bytes in use it sees. So it is
 * exact when one agent or one thread's direct takes hold the allocator's memory at a
 * time; otherwise it lies between the highest peak of any one tally and the sum of
 * their peaks, and at or above every {@code bytesInUse} ever read.
 *
 * @author posm
 */
final class Ledger {

	private final Tally[] stripes;

	private final int mask;

	private final Set<Tally> agents = ConcurrentHashMap.newKeySet();

	/** The counts of retired tallies: guarded by this ledger. */
	private final Tally retired = new Tally(null, null);

	private final AtomicLong peak = new AtomicLong();

	Ledger() {
		int count = Stripes.count();
		this.stripes = new Tally[count];
		for (int i = 0; i < count; i++) {
			this.stripes[i] = new Tally(this, null);
		}
		this.mask = count - 1;
	}

	/**
	 * Return the tally of the current thread's direct takes.
	 */
	Tally stripe() {
		return this.stripes[Stripes.index(this.mask)];
	}

	void register(Tally agent) {
		this.agents.add(agent);
	}

	synchronized void retire(Tally agent) {
		agent.addLockedTo(this.retired);
		this.agents.remove(agent);
	}

	/**
	 * One tally reached a new peak of its own: see whether the allocator did.
	 */
	void peakRaised() {
		long bytes = 0;
		for (Tally stripe : this.stripes) {
			bytes += stripe.bytesInUse();
		}
		for (Tally agent : this.agents) {
			bytes += agent.bytesInUse();
		}
		raisePeak(bytes);
	}

	private long raisePeak(long bytes) {
		long highest = this.peak.get();
		while (bytes > highest) {
			if (this.peak.compareAndSet(highest, bytes)) {
				return bytes;
			}
			highest = this.peak.get();
		}
		return highest;
	}

	/**
	 * Take the blocks the agents of this allocator keep for their next operations: what a
	 * trim gives back besides the store's own.
	 */
	List<Block> clearAgentShelves() {
		List<Block> blocks = new ArrayList<>();
		for (Tally agent : this.agents) {
			blocks.addAll(agent.clearShelf());
		}
		return blocks;
	}

	synchronized AllocatorStats stats(long retainedBytes) {
		Tally sum = new Tally(null, null);
		this.retired.addTo(sum);
		for (Tally stripe : this.stripes) {
			stripe.addLockedTo(sum);
		}
		for (Tally agent : this.agents) {
			agent.addLockedTo(sum);
		}
		return sum.allocatorStats(raisePeak(sum.bytesInUse()), retainedBytes);
	}

	synchronized long leaks() {
		long leaks = this.retired.leaks;
		for (Tally stripe : this.stripes) {
			leaks += stripe.leaks;
		}
		for (Tally agent : this.agents) {
			leaks += agent.leaks;
		}
		return leaks;
	}

}
