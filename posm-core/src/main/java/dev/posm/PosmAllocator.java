package dev.posm;

import java.util.Map;

/**
 * A source of POSMs: the associated allocator of one or more agents. Build one with
 * {@link Allocators}.
 *
 * @author posm
 */
public interface PosmAllocator extends AutoCloseable {

	/**
	 * Take a POSM of the given size. Outside an operation it is the caller's to
	 * release.
	 * @param size the size in bytes, zero or more
	 * @return the POSM: a buffer with position 0 and limit {@code size}
	 * @throws IllegalArgumentException if the size is negative
	 */
	Posm allocate(int size);

	/**
	 * Return the name of this allocator.
	 * @return the name
	 */
	String name();

	/**
	 * Return a snapshot of this allocator's counters.
	 * @return the stats
	 */
	AllocatorStats stats();

	/**
	 * Give back the memory this allocator keeps for reuse, and the blocks that the agents
	 * bound to it keep for their next operations.
	 */
	void trim();

	/**
	 * Return the strategy of this allocator, as written in configuration.
	 * @return the type, {@code "custom"} unless overridden
	 */
	default String type() {
		return "custom";
	}

	/**
	 * Return whether this allocator hands out direct (off-heap) buffers.
	 * @return {@code true} for direct buffers
	 */
	default boolean isDirect() {
		return false;
	}

	/**
	 * Return the POSMs that were dropped without release and found by the garbage
	 * collector.
	 * @return the leaks found so far
	 */
	default long leaks() {
		return 0;
	}

	/**
	 * Return the settings and internals worth showing to a user: limits, size classes,
	 * caches. The keys are stable, the values plain numbers, strings or maps of them.
	 * @return a description of this allocator
	 */
	default Map<String, Object> describe() {
		return Map.of();
	}

	/**
	 * Stop retaining memory: {@link #trim()} and keep nothing from now on that was
	 * released. The allocator stays usable.
	 */
	@Override
	default void close() {
		trim();
	}

}
