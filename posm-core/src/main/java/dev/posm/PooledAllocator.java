package dev.posm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * One shared pool of power-of-two size classes, from {@value #MIN_BLOCK_SIZE} bytes up
 * to the class of {@code maxBlockSize}. Free blocks wait in a lock-free array per class;
 * the bytes kept never exceed {@code maxRetained}. Larger requests are served unpooled
 * and never kept.
 *
 * @author posm
 */
class PooledAllocator extends BlockAllocator {

	static final int MIN_BLOCK_SIZE = 64;

	private static final int MIN_CLASS_SHIFT = Integer.numberOfTrailingZeros(MIN_BLOCK_SIZE);

	/** The most blocks one class keeps: a miss scans this many slots. */
	static final int MAX_BLOCKS_PER_CLASS = 256;

	final int maxBlockSize;

	final long maxRetained;

	private final BlockCache[] pools;

	/** Bytes kept for reuse: in the pools and, for subclasses, in their caches. */
	private final AtomicLong retained = new AtomicLong();

	private volatile boolean closed;

	PooledAllocator(String name, AllocatorType type, boolean direct, LeakDetection leakDetection, int maxBlockSize,
			long maxRetained) {
		super(name, type, direct, leakDetection);
		this.maxBlockSize = maxBlockSize;
		this.maxRetained = maxRetained;
		this.pools = new BlockCache[classOf(maxBlockSize) + 1];
		for (int sizeClass = 0; sizeClass < this.pools.length; sizeClass++) {
			long blocks = Math.min(MAX_BLOCKS_PER_CLASS, maxRetained / classCapacity(sizeClass));
			this.pools[sizeClass] = new BlockCache((int) blocks);
		}
	}

	static int classOf(int size) {
		return (size <= MIN_BLOCK_SIZE) ? 0 : (Integer.SIZE - Integer.numberOfLeadingZeros(size - 1)) - MIN_CLASS_SHIFT;
	}

	static int classCapacity(int sizeClass) {
		return MIN_BLOCK_SIZE << sizeClass;
	}

	final int classCount() {
		return this.pools.length;
	}

	@Override
	final int sizeClass(int size) {
		return (size <= this.maxBlockSize) ? classOf(size) : -1;
	}

	@Override
	Posm take(int size) {
		int sizeClass = sizeClass(size);
		if (sizeClass < 0) {
			return newBlock(size, -1);
		}
		Posm posm = takeRetained(sizeClass);
		if (posm != null) {
			posm.fresh = false;
			return posm;
		}
		return freshBlock(sizeClass);
	}

	/**
	 * Take a kept block of the given class, or {@code null}.
	 */
	@Nullable Posm takeRetained(int sizeClass) {
		Posm posm = this.pools[sizeClass].take(sizeClass);
		if (posm != null) {
			unreserve(posm.capacity);
		}
		return posm;
	}

	Posm freshBlock(int sizeClass) {
		return newBlock(classCapacity(sizeClass), sizeClass);
	}

	@Override
	void recycle(Posm posm) {
		if (posm.sizeClass >= 0) {
			retainInPool(posm);
		}
	}

	final void retainInPool(Posm posm) {
		if (reserve(posm.capacity)) {
			if (this.pools[posm.sizeClass].put(posm)) {
				return;
			}
			unreserve(posm.capacity);
		}
		// not kept: the garbage collector frees it
	}

	/**
	 * Count the given bytes as retained if that keeps within {@code maxRetained}.
	 */
	final boolean reserve(int bytes) {
		if (this.closed) {
			return false;
		}
		long current = this.retained.get();
		while (current + bytes <= this.maxRetained) {
			if (this.retained.compareAndSet(current, current + bytes)) {
				return true;
			}
			current = this.retained.get();
		}
		return false;
	}

	final void unreserve(int bytes) {
		this.retained.addAndGet(-bytes);
	}

	@Override
	long retainedBytes() {
		return this.retained.get();
	}

	@Override
	public void trim() {
		for (BlockCache pool : this.pools) {
			for (Posm posm = pool.poll(); posm != null; posm = pool.poll()) {
				unreserve(posm.capacity);
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		trim();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = super.describe();
		description.put("maxBlockSize", this.maxBlockSize);
		description.put("maxRetained", this.maxRetained);
		List<Map<String, Object>> classes = new ArrayList<>();
		for (int sizeClass = 0; sizeClass < this.pools.length; sizeClass++) {
			Map<String, Object> sizeClassDescription = new LinkedHashMap<>();
			sizeClassDescription.put("blockSize", classCapacity(sizeClass));
			sizeClassDescription.put("maxBlocks", this.pools[sizeClass].size());
			sizeClassDescription.put("retainedBytes", this.pools[sizeClass].bytes());
			classes.add(sizeClassDescription);
		}
		description.put("sizeClasses", classes);
		return description;
	}

}
