package dev.posm;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * A lock-free array of free blocks, matched by size class: a pool's free list, an
 * agent's cache, a thread's cache. Taking and putting are one compare-and-set each and
 * fill the array from the low end, so a steady workload finds its block in the first
 * slots; any thread may drain it.
 *
 * @author posm
 */
final class BlockCache {

	private final AtomicReferenceArray<Posm> slots;

	BlockCache(int blocks) {
		this.slots = new AtomicReferenceArray<>(blocks);
	}

	int size() {
		return this.slots.length();
	}

	/**
	 * Take a cached block of the given size class, or {@code null}.
	 */
	@Nullable Posm take(int sizeClass) {
		return take(sizeClass, 0, this.slots.length());
	}

	@Nullable Posm take(int sizeClass, int from, int to) {
		for (int i = from; i < to; i++) {
			Posm posm = this.slots.get(i);
			if (posm != null && posm.sizeClass == sizeClass && this.slots.compareAndSet(i, posm, null)) {
				return posm;
			}
		}
		return null;
	}

	/**
	 * Keep a free block if there is room.
	 * @return whether it was kept
	 */
	boolean put(Posm posm) {
		return put(posm, 0, this.slots.length());
	}

	boolean put(Posm posm, int from, int to) {
		for (int i = from; i < to; i++) {
			if (this.slots.get(i) == null && this.slots.compareAndSet(i, null, posm)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Take any cached block, or {@code null}: to drain the cache.
	 */
	@Nullable Posm poll() {
		for (int i = 0; i < this.slots.length(); i++) {
			Posm posm = this.slots.getAndSet(i, null);
			if (posm != null) {
				return posm;
			}
		}
		return null;
	}

	/**
	 * Keep a free block in place of one of another size class, which goes back to its
	 * allocator.
	 * @return whether it was kept
	 */
	boolean replaceOtherSize(Posm posm) {
		for (int i = 0; i < this.slots.length(); i++) {
			Posm other = this.slots.get(i);
			if (other != null && other.sizeClass != posm.sizeClass && this.slots.compareAndSet(i, other, posm)) {
				other.home.recycle(other);
				return true;
			}
		}
		return false;
	}

	/**
	 * Hand every cached block back to its allocator.
	 */
	void drain() {
		for (Posm posm = poll(); posm != null; posm = poll()) {
			posm.home.recycle(posm);
		}
	}

	long bytes() {
		long bytes = 0;
		for (int i = 0; i < this.slots.length(); i++) {
			Posm posm = this.slots.get(i);
			if (posm != null) {
				bytes += posm.capacity;
			}
		}
		return bytes;
	}

}
