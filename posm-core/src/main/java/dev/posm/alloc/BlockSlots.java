package dev.posm.alloc;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * A lock-free array of free blocks, filled from the low end: taking and putting are one
 * compare-and-set each, so any thread may take, put or drain at any time.
 *
 * @author posm
 */
final class BlockSlots {

	private final AtomicReferenceArray<Block> slots;

	BlockSlots(int blocks) {
		this.slots = new AtomicReferenceArray<>(blocks);
	}

	@Nullable Block take() {
		for (int i = 0; i < this.slots.length(); i++) {
			Block block = this.slots.get(i);
			if (block != null && this.slots.compareAndSet(i, block, null)) {
				return block;
			}
		}
		return null;
	}

	/**
	 * Keep a free block if there is room.
	 * @return whether it was kept
	 */
	boolean put(Block block) {
		for (int i = 0; i < this.slots.length(); i++) {
			if (this.slots.get(i) == null && this.slots.compareAndSet(i, null, block)) {
				return true;
			}
		}
		return false;
	}

	long bytes() {
		long bytes = 0;
		for (int i = 0; i < this.slots.length(); i++) {
			Block block = this.slots.get(i);
			if (block != null) {
				bytes += block.capacity();
			}
		}
		return bytes;
	}

}
