package dev.posm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import dev.posm.alloc.Block;
import dev.posm.alloc.BlockStore;
import org.jspecify.annotations.Nullable;

/**
 * posm's own allocators: leases over the blocks of a {@link BlockStore}, counted in a
 * {@link Ledger}, watched by {@link LeakProbe leak probes}.
 *
 * @author posm
 */
final class StoreAllocator implements PosmAllocator {

	private final String name;

	private final AllocatorType type;

	final BlockStore store;

	final LeakDetection leakDetection;

	/** How to free the resource of a block dropped without release, if the collector does not. */
	final @Nullable Consumer<Object> leakedResourceRelease;

	final Ledger ledger = new Ledger();

	StoreAllocator(String name, AllocatorType type, BlockStore store, LeakDetection leakDetection,
			@Nullable Consumer<Object> leakedResourceRelease) {
		this.name = name;
		this.type = type;
		this.store = store;
		this.leakDetection = leakDetection;
		this.leakedResourceRelease = leakedResourceRelease;
	}

	@Override
	public Posm allocate(int size) {
		Allocators.checkSize(size);
		Block block = this.store.take(size);
		Posm posm = Posm.of(block, this);
		Tally tally = this.ledger.stripe();
		boolean peakRose;
		tally.lock();
		try {
			posm.lease(size, tally, null, null);
			peakRose = tally.leased(posm.capacity, block.isFresh());
		}
		finally {
			tally.unlock();
		}
		if (peakRose) {
			this.ledger.peakRaised();
		}
		return posm;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String type() {
		return this.type.id();
	}

	@Override
	public boolean isDirect() {
		return this.store.isDirect();
	}

	@Override
	public AllocatorStats stats() {
		// read before the takes are summed: a take counts its new memory before itself
		long freshTakes = this.store.freshTakes();
		AllocatorStats stats = this.ledger.stats(this.store.retainedBytes());
		if (freshTakes < 0) {
			return stats;
		}
		// a take refused by a budget after its block was taken is not counted, its memory may be
		long fresh = Math.min(freshTakes, stats.allocations());
		return new AllocatorStats(stats.allocations(), stats.allocations() - fresh, fresh, stats.releases(),
				stats.reclaimed(), stats.bytesInUse(), stats.peakBytesInUse(), stats.retainedBytes());
	}

	@Override
	public long leaks() {
		return this.ledger.leaks();
	}

	@Override
	public void trim() {
		// the agents' caches first: their blocks go to the store, which the trim then empties
		this.ledger.clearAgentShelves().forEach(this.store::give);
		this.store.trim();
	}

	@Override
	public void close() {
		this.store.close();
		// what the agents keep would come back to a store that keeps nothing now
		this.ledger.clearAgentShelves().forEach(this.store::give);
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("leakDetection", this.leakDetection.name().toLowerCase(Locale.ROOT));
		description.putAll(this.store.describe());
		return description;
	}

	@Override
	public String toString() {
		return "PosmAllocator['" + this.name + "', " + type() + ", " + (isDirect() ? "direct" : "heap") + "]";
	}

}
