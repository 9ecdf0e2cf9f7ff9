package dev.posm.alloc;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * Blocks carved from one contiguous direct region, so that the blocks of related
 * operations sit side by side in memory. A carved block belongs to the region for good:
 * given back, it waits in its class's free list for the next take of that class. When
 * the region is used up, blocks come from the pooled strategy instead.
 * <p>
 * The region is dropped whole, once the store is closed and every carved block is back:
 * its memory is then freed as {@link DirectMemory} says. A carved block a holder still
 * has keeps the region.
 *
 * @author posm
 */
public final class SlabStore extends PooledStore {

	private final Block regionBlock;

	private final ByteBuffer region;

	private final AtomicInteger carved = new AtomicInteger();

	/** Blocks carved, counted before they are: handed out, free, or being carved. */
	private final AtomicInteger carvedBlocks = new AtomicInteger();

	/** Carved blocks taken out of the free lists for good once the store was closed. */
	private final AtomicInteger collected = new AtomicInteger();

	private final AtomicBoolean regionDropped = new AtomicBoolean();

	/** Free carved blocks per class, made on first use; room for every block of the class. */
	private final AtomicReferenceArray<BlockSlots> carvedFree;

	/**
	 * Create a slab.
	 * @param maxBlockSize the largest block size served from the slab or the pool
	 * @param maxRetained the bound on the bytes the pool keeps for reuse (the region is
	 * kept whole, whatever this bound)
	 * @param slabSize the size of the region
	 */
	public SlabStore(int maxBlockSize, long maxRetained, int slabSize) {
		super(true, maxBlockSize, maxRetained);
		this.regionBlock = DirectMemory.newBlock(slabSize, -1);
		this.region = this.regionBlock.memory();
		this.carvedFree = new AtomicReferenceArray<>(classCount());
	}

	@Override
	@Nullable Block takeRetained(int sizeClass) {
		BlockSlots free = this.carvedFree.get(sizeClass);
		Block block = (free != null) ? free.take() : null;
		return (block != null) ? block : super.takeRetained(sizeClass);
	}

	@Override
	Block freshBlock(int sizeClass) {
		// counted before the store is seen open: a close that does not see this carve sees the count
		this.carvedBlocks.incrementAndGet();
		if (!isClosed()) {
			int capacity = SizeClasses.capacity(sizeClass);
			int offset = this.carved.get();
			while (offset + capacity <= this.region.capacity()) {
				if (this.carved.compareAndSet(offset, offset + capacity)) {
					freeListOf(sizeClass);
					return new Block(this.region.slice(offset, capacity), sizeClass, this.region);
				}
				offset = this.carved.get();
			}
		}
		this.carvedBlocks.decrementAndGet();
		dropRegionIfAllBack();
		return super.freshBlock(sizeClass);
	}

	@Override
	public void give(Block block) {
		if (block.resource() == this.region) {
			// there is a slot for every block of the class: this never fails
			this.carvedFree.get(block.sizeClass()).put(block);
			// put, then seen closed: a close that came before has collected the others, this one is ours
			if (isClosed()) {
				collectCarved();
			}
		}
		else {
			super.give(block);
		}
	}

	@Override
	public void close() {
		super.close();
		collectCarved();
	}

	/**
	 * Take the free carved blocks out of their lists for good, then drop the region if
	 * every carved block is back. Only once the store is closed.
	 */
	private void collectCarved() {
		int taken = 0;
		for (int sizeClass = 0; sizeClass < this.carvedFree.length(); sizeClass++) {
			BlockSlots free = this.carvedFree.get(sizeClass);
			while (free != null && free.take() != null) {
				taken++;
			}
		}
		this.collected.addAndGet(taken);
		dropRegionIfAllBack();
	}

	private void dropRegionIfAllBack() {
		if (isClosed() && this.collected.get() == this.carvedBlocks.get()
				&& this.regionDropped.compareAndSet(false, true)) {
			this.regionBlock.drop();
		}
	}

	private BlockSlots freeListOf(int sizeClass) {
		BlockSlots free = this.carvedFree.get(sizeClass);
		if (free == null) {
			this.carvedFree.compareAndSet(sizeClass, null,
					new BlockSlots(this.region.capacity() / SizeClasses.capacity(sizeClass)));
			free = this.carvedFree.get(sizeClass);
		}
		return free;
	}

	@Override
	public long retainedBytes() {
		long bytes = super.retainedBytes();
		for (int sizeClass = 0; sizeClass < this.carvedFree.length(); sizeClass++) {
			BlockSlots free = this.carvedFree.get(sizeClass);
			if (free != null) {
				bytes += free.bytes();
			}
		}
		return bytes;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = super.describe();
		description.put("slabSize", this.region.capacity());
		description.put("slabCarvedBytes", this.carved.get());
		return description;
	}

}
