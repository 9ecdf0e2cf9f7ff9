package dev.posm.alloc;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The pooled strategy plus a small magazine per platform thread, tried first: a thread
 * reuses the blocks it gave back itself. Virtual threads are many and short-lived, so
 * they get none (and no thread-local): they go straight to the pool. Only blocks up to
 * {@value #MAX_THREAD_CACHED_BLOCK} bytes are kept per thread, and they count against
 * {@code maxRetained} like pooled ones.
 *
 * @author posm
 */
public final class RecyclingStore extends PooledStore {

	/** The largest block a thread keeps for itself. */
	public static final int MAX_THREAD_CACHED_BLOCK = 64 * 1024;

	private static final Cleaner THREAD_DEATHS = Cleaner.create();

	private final int blocksPerClass;

	private final int cachedClasses;

	private final ThreadLocal<ThreadCache> threadCaches = new ThreadLocal<>();

	private final Set<ThreadCache> allThreadCaches = ConcurrentHashMap.newKeySet();

	/**
	 * Create a recycling pool.
	 * @param direct whether blocks are direct memory
	 * @param maxBlockSize the largest block size served from the pool
	 * @param maxRetained the bound on the bytes kept for reuse, thread caches included
	 * @param blocksPerClass the blocks each platform thread keeps per size class
	 */
	public RecyclingStore(boolean direct, int maxBlockSize, long maxRetained, int blocksPerClass) {
		super(direct, maxBlockSize, maxRetained);
		this.blocksPerClass = blocksPerClass;
		this.cachedClasses = Math.min(classCount(), SizeClasses.classOf(MAX_THREAD_CACHED_BLOCK) + 1);
	}

	@Override
	@Nullable Block takeRetained(int sizeClass) {
		ThreadCache cache = (sizeClass < this.cachedClasses) ? threadCache() : null;
		if (cache != null && cache.magazine.mayHave(sizeClass)) {
			cache.magazine.lock();
			Block block = cache.magazine.pop(sizeClass);
			cache.magazine.unlock();
			if (block != null) {
				return block;
			}
		}
		return super.takeRetained(sizeClass);
	}

	@Override
	public void give(Block block) {
		int sizeClass = block.sizeClass();
		if (sizeClass < 0) {
			block.drop();
			return;
		}
		ThreadCache cache = (sizeClass < this.cachedClasses && !isClosed()) ? threadCache() : null;
		if (cache != null) {
			cache.magazine.lock();
			boolean kept = cache.magazine.push(block);
			cache.magazine.unlock();
			if (kept) {
				return;
			}
		}
		keepOrDrop(block);
	}

	private @Nullable ThreadCache threadCache() {
		if (this.blocksPerClass == 0) {
			return null;
		}
		ThreadCache cache = this.threadCaches.get();
		if (cache != null) {
			return cache;
		}
		Thread thread = Thread.currentThread();
		return VirtualThreads.isVirtual(thread) ? null : newThreadCache(thread);
	}

	private ThreadCache newThreadCache(Thread thread) {
		int[] room = new int[this.cachedClasses];
		Arrays.fill(room, this.blocksPerClass);
		ThreadCache cache = new ThreadCache(new Magazine(room, quota()));
		this.threadCaches.set(cache);
		this.allThreadCaches.add(cache);
		// when the thread dies, its blocks go back to the pool
		cache.cleanable = THREAD_DEATHS.register(thread, new ThreadCacheReturn(this, cache));
		return cache;
	}

	/**
	 * Return the number of live per-thread caches.
	 * @return the thread caches
	 */
	public int threadCacheCount() {
		return this.allThreadCaches.size();
	}

	@Override
	public long retainedBytes() {
		List<Magazine> caches = new ArrayList<>();
		this.allThreadCaches.forEach((cache) -> caches.add(cache.magazine));
		return retainedBytes(caches);
	}

	@Override
	public void trim() {
		for (ThreadCache cache : this.allThreadCaches) {
			drain(cache.magazine);
		}
		super.trim();
	}

	@Override
	public void close() {
		for (ThreadCache cache : this.allThreadCaches) {
			Cleaner.Cleanable cleanable = cache.cleanable;
			if (cleanable != null) {
				cleanable.clean();
				// the thread's cache outlives this store in its thread-local: it must not refer to it
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

		final Magazine magazine;

		volatile Cleaner.@Nullable Cleanable cleanable;

		ThreadCache(Magazine magazine) {
			this.magazine = magazine;
		}

	}

	/**
	 * Gives the blocks of a dead thread's cache to the pool. Refers to the cache, not
	 * the thread.
	 */
	private record ThreadCacheReturn(RecyclingStore store, ThreadCache cache) implements Runnable {

		@Override
		public void run() {
			this.store.allThreadCaches.remove(this.cache);
			Magazine magazine = this.cache.magazine;
			List<Block> blocks = new ArrayList<>();
			magazine.lock();
			try {
				magazine.close();
				// the last poll finds it empty and gives back its quota, for the pool to lease
				for (Block block = magazine.poll(); block != null; block = magazine.poll()) {
					blocks.add(block);
				}
			}
			finally {
				magazine.unlock();
			}
			blocks.forEach(this.store::keepOrDrop);
		}

	}

}
