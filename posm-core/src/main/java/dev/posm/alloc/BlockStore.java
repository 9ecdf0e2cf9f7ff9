package dev.posm.alloc;

import java.util.Map;

/**
 * A recycling strategy: it hands out free blocks and takes them back, keeping what it
 * may reuse within its bounds. It counts no leases; the layer above does.
 *
 * @author posm
 */
public interface BlockStore {

	/**
	 * Take a free block of at least the given size; it is the caller's alone until
	 * {@link #give given} back. {@link Block#isFresh()} tells whether it is new memory.
	 * @param size the size in bytes, zero or more
	 * @return the block
	 */
	Block take(int size);

	/**
	 * Take back a block: keep it for reuse or drop it. A dropped block's direct memory
	 * is freed at once where {@link DirectMemory} can, else by the garbage collector.
	 * @param block a block taken from this store, no longer used by anyone
	 */
	void give(Block block);

	/**
	 * Return how many takes so far were served by new memory, for a store whose memory
	 * another allocator reuses without saying so per block (Netty's): it marks every
	 * block fresh, meaning that posm did not reuse it, and counts here what the other
	 * allocator did.
	 * @return the takes served by new memory, or -1 when {@link Block#isFresh()} says it
	 * of every take
	 */
	default long freshTakes() {
		return -1;
	}

	/**
	 * Return the size class that serves the given size, or -1 when blocks of that size
	 * are never reused: the layer above matches the blocks it keeps by size class.
	 * @param size the size in bytes
	 * @return the size class or -1
	 */
	int sizeClass(int size);

	/**
	 * Return the capacity of the block a take of the given size gets: what it is counted
	 * as, and what a budget is checked against before any memory is taken.
	 * @param size the size in bytes
	 * @return the capacity in bytes
	 */
	default int capacityFor(int size) {
		int sizeClass = sizeClass(size);
		return (sizeClass >= 0) ? SizeClasses.capacity(sizeClass) : size;
	}

	/**
	 * Return the bytes kept for reuse now.
	 * @return the retained bytes
	 */
	long retainedBytes();

	/**
	 * Give back the memory kept for reuse.
	 */
	void trim();

	/**
	 * Stop keeping memory: trim, and drop every block given back from now on.
	 */
	void close();

	/**
	 * Return whether this store's blocks are direct (off-heap) memory.
	 * @return {@code true} for direct memory
	 */
	boolean isDirect();

	/**
	 * Return the settings and internals worth showing to a user.
	 * @return a description: stable keys, plain values
	 */
	Map<String, Object> describe();

}
