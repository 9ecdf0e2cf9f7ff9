package dev.posm;

import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The pooled strategy plus a small cache per platform thread, tried first: a thread
 * reuses the blocks it released itself, without touching the shared pool. Virtual
 * threads are many and short-lived, so they get no cache (and no thread-local): they go
 * straight to the pool. Only blocks up to {@value #MAX_THREAD_CACHED_BLOCK} bytes are
 * cached per thread, and cached bytes count against {@code maxRetained} like pooled ones.
 *
 * @author posm
 */
final class RecyclingAllocator extends PooledAllocator {

	static final int MAX_THREAD_CACHED_BLOCK = 64 * 1024;

	private static final Cleaner THREAD_DEATHS = Cleaner.create();

	private final int blocksPerClass;

	private final int cachedClasses;

	private final ThreadLocal<ThreadCache> threadCaches = new ThreadLocal<>();

	private final Set<ThreadCache> allThreadCaches = ConcurrentHashMap.newKeySet();

	RecyclingAllocator(String name, boolean direct, LeakDetection leakDetection, int maxBlockSize, long maxRetained,
			int blocksPerClass) {
		super(name, AllocatorType.RECYCLING, direct, leakDetection, maxBlockSize, maxRetained);
		this.blocksPerClass = blocksPerClass;
		this.cachedClasses = Math.min(classCount(), classOf(MAX_THREAD_CACHED_BLOCK) + 1);
	}

	@Override
	@Nullable Posm takeRetained(int sizeClass) {
		ThreadCache cache = (sizeClass < this.cachedClasses) ? threadCache() : null;
		if (cache != null) {
			Posm posm = cache.blocks.take(sizeClass, sizeClass * this.blocksPerClass,
					(sizeClass + 1) * this.blocksPerClass);
			if (posm != null) {
				unreserve(posm.capacity);
				return posm;
			}
		}
		return super.takeRetained(sizeClass);
	}

	@Override
	void recycle(Posm posm) {
		int sizeClass = posm.sizeClass;
		if (sizeClass < 0) {
			return;
		}
		ThreadCache cache = (sizeClass < this.cachedClasses) ? threadCache() : null;
		if (cache != null && reserve(posm.capacity)) {
			if (cache.blocks.put(posm, sizeClass * this.blocksPerClass, (sizeClass + 1) * this.blocksPerClass)) {
				return;
			}
			unreserve(posm.capacity);
		}
		retainInPool(posm);
	}

	private @Nullable ThreadCache threadCache() {
		if (this.blocksPerClass == 0) {
			return null;
		}
		Thread thread = Thread.currentThread();
		if (VirtualThreads.isVirtual(thread)) {
			return null;
		}
		ThreadCache cache = this.threadCaches.get();
		return (cache != null) ? cache : newThreadCache(thread);
	}

	private ThreadCache newThreadCache(Thread thread) {
		ThreadCache cache = new ThreadCache(new BlockCache(this.cachedClasses * this.blocksPerClass));
		this.threadCaches.set(cache);
		this.allThreadCaches.add(cache);
		// when the thread dies, its blocks go back to the pool
		cache.cleanable = THREAD_DEATHS.register(thread, new ThreadCacheReturn(this, cache));
		return cache;
	}

	/**
	 * Return the number of live per-thread caches.
	 */
	int threadCacheCount() {
		return this.allThreadCaches.size();
	}

	@Override
	public void trim() {
		for (ThreadCache cache : this.allThreadCaches) {
			dropAll(cache);
		}
		super.trim();
	}

	private void dropAll(ThreadCache cache) {
		for (Posm posm = cache.blocks.poll(); posm != null; posm = cache.blocks.poll()) {
			unreserve(posm.capacity);
		}
	}

	@Override
	public void close() {
		for (ThreadCache cache : this.allThreadCaches) {
			Cleaner.Cleanable cleanable = cache.cleanable;
			if (cleanable != null) {
				cleanable.clean();
				// the thread's cache outlives this allocator in its thread-local: it must not refer to it
				cache.cleanable = null;
			}
		}
		super.close();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = super.describe();
		description.put("threadCacheBlocks", this.blocksPerClass);
		description.put("threadCaches", threadCacheCount());
		return description;
	}

	private static final class ThreadCache {

		final BlockCache blocks;

		volatile Cleaner.@Nullable Cleanable cleanable;

		ThreadCache(BlockCache blocks) {
			this.blocks = blocks;
		}

	}

	/**
	 * Returns the blocks of a dead thread's cache to the pool. Refers to the cache, not
	 * the thread.
	 */
	private record ThreadCacheReturn(RecyclingAllocator allocator, ThreadCache cache) implements Runnable {

		@Override
		public void run() {
			this.allocator.allThreadCaches.remove(this.cache);
			for (Posm posm = this.cache.blocks.poll(); posm != null; posm = this.cache.blocks.poll()) {
				this.allocator.unreserve(posm.capacity);
				this.allocator.retainInPool(posm);
			}
		}

	}

}
