package dev.posm;

import dev.posm.alloc.Block;
import dev.posm.alloc.BlockStore;
import org.jspecify.annotations.Nullable;

/**
 * The few blocks an agent keeps from its released POSMs for its next operations,
 * matched by size class. Guarded by the agent's tally lock: plain array work.
 *
 * @author posm
 */
final class Shelf {

	private final @Nullable Block[] blocks;

	private final Tally tally;

	private boolean closed;

	Shelf(int size, Tally tally) {
		this.blocks = new Block[size];
		this.tally = tally;
	}

	/**
	 * Take a kept block for a POSM of the given size, or {@code null}.
	 */
	@Nullable Block take(BlockStore store, int size) {
		if (this.blocks.length == 0) {
			return null;
		}
		int sizeClass = store.sizeClass(size);
		if (sizeClass < 0) {
			return null;
		}
		for (int i = 0; i < this.blocks.length; i++) {
			Block block = this.blocks[i];
			if (block != null && block.sizeClass() == sizeClass) {
				this.blocks[i] = null;
				this.tally.cachedBytes -= block.capacity();
				block.reused();
				return block;
			}
		}
		return null;
	}

	/**
	 * Keep a block that was just given back. When the shelf is full, it takes the place
	 * of one of another size class: an agent that moved on (a handshake block, then
	 * transfer blocks) keeps no memory of the size it no longer uses.
	 * @return the block to give back to the allocator instead, or {@code null}
	 */
	@Nullable Block keep(Block block) {
		if (this.closed || block.sizeClass() < 0) {
			return block;
		}
		int otherSize = -1;
		for (int i = 0; i < this.blocks.length; i++) {
			Block kept = this.blocks[i];
			if (kept == null) {
				put(i, block);
				return null;
			}
			if (otherSize < 0 && kept.sizeClass() != block.sizeClass()) {
				otherSize = i;
			}
		}
		if (otherSize < 0) {
			return block;
		}
		Block replaced = this.blocks[otherSize];
		this.tally.cachedBytes -= replaced.capacity();
		put(otherSize, block);
		return replaced;
	}

	private void put(int slot, Block block) {
		this.blocks[slot] = block;
		this.tally.cachedBytes += block.capacity();
	}

	/**
	 * Take any kept block, or {@code null}: to empty the shelf.
	 */
	@Nullable Block poll() {
		for (int i = 0; i < this.blocks.length; i++) {
			Block block = this.blocks[i];
			if (block != null) {
				this.blocks[i] = null;
				this.tally.cachedBytes -= block.capacity();
				return block;
			}
		}
		return null;
	}

	/**
	 * Keep nothing from now on.
	 */
	void close() {
		this.closed = true;
	}

}
