package dev.posm;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * Blocks carved from one contiguous direct region, so that the POSMs of related
 * operations sit side by side in memory. A carved block belongs to the region for good:
 * released, it waits in its class's free list for the next POSM of that class. When the
 * region is used up, blocks come from the pooled strategy instead.
 *
 * @author posm
 */
final class SlabAllocator extends PooledAllocator {

	private final ByteBuffer region;

	private final AtomicInteger carved = new AtomicInteger();

	/** Free carved blocks per class, made on first use; room for every block of the class. */
	private final AtomicReferenceArray<BlockCache> carvedFree;

	private final AtomicLong carvedFreeBytes = new AtomicLong();

	SlabAllocator(String name, LeakDetection leakDetection, int maxBlockSize, long maxRetained, int slabSize) {
		super(name, AllocatorType.SLAB, true, leakDetection, maxBlockSize, maxRetained);
		this.region = ByteBuffer.allocateDirect(slabSize);
		this.carvedFree = new AtomicReferenceArray<>(classCount());
	}

	@Override
	@Nullable Posm takeRetained(int sizeClass) {
		BlockCache free = this.carvedFree.get(sizeClass);
		Posm posm = (free != null) ? free.take(sizeClass) : null;
		if (posm != null) {
			this.carvedFreeBytes.addAndGet(-posm.capacity);
			return posm;
		}
		return super.takeRetained(sizeClass);
	}

	@Override
	Posm freshBlock(int sizeClass) {
		int capacity = classCapacity(sizeClass);
		int offset = this.carved.get();
		while (offset + capacity <= this.region.capacity()) {
			if (this.carved.compareAndSet(offset, offset + capacity)) {
				freeListOf(sizeClass);
				return newBlock(this.region.slice(offset, capacity), sizeClass, this.region);
			}
			offset = this.carved.get();
		}
		return super.freshBlock(sizeClass);
	}

	@Override
	void recycle(Posm posm) {
		if (isCarved(posm)) {
			// there is a slot for every block of the class: this never fails
			this.carvedFreeBytes.addAndGet(posm.capacity);
			this.carvedFree.get(posm.sizeClass).put(posm);
		}
		else {
			super.recycle(posm);
		}
	}

	private boolean isCarved(Posm posm) {
		return posm.resource == this.region;
	}

	private BlockCache freeListOf(int sizeClass) {
		BlockCache free = this.carvedFree.get(sizeClass);
		if (free == null) {
			this.carvedFree.compareAndSet(sizeClass, null,
					new BlockCache(this.region.capacity() / classCapacity(sizeClass)));
			free = this.carvedFree.get(sizeClass);
		}
		return free;
	}

	@Override
	long retainedBytes() {
		return super.retainedBytes() + this.carvedFreeBytes.get();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = super.describe();
		description.put("slabSize", this.region.capacity());
		description.put("slabCarvedBytes", this.carved.get());
		return description;
	}

}
