package dev.posm.alloc;

import org.jspecify.annotations.Nullable;

/**
 * One stripe of a pool: a stack of free blocks per size class and its share of the
 * store's {@link ChunkedQuota}, guarded by a lock word that its threads take with one
 * compare-and-set. Threads are spread over magazines by thread id, so a magazine is
 * nearly always taken by the same thread, and its lines stay in that core's cache.
 *
 * @author posm
 */
final class Magazine extends LockWord {

	private final Block[][] stacks;

	/** Blocks per class; read without the lock only as a hint. */
	private final int[] counts;

	private final ChunkedQuota quota;

	private long retained;

	private long leased;

	private boolean closed;

	@SuppressWarnings("unused")
	private long q1, q2, q3, q4, q5, q6, q7;

	/**
	 * A magazine with room for {@code blocksPerClass[c]} blocks of each class {@code c}.
	 */
	Magazine(int[] blocksPerClass, ChunkedQuota quota) {
		this.stacks = new Block[blocksPerClass.length][];
		for (int sizeClass = 0; sizeClass < blocksPerClass.length; sizeClass++) {
			this.stacks[sizeClass] = new Block[blocksPerClass[sizeClass]];
		}
		this.counts = new int[blocksPerClass.length];
		this.quota = quota;
	}

	/**
	 * Whether a block of the class may be here: read without the lock, a hint only.
	 */
	boolean mayHave(int sizeClass) {
		return this.counts[sizeClass] > 0;
	}

	/**
	 * Take a block of the given class, or {@code null}. Under the lock.
	 */
	@Nullable Block pop(int sizeClass) {
		int count = this.counts[sizeClass];
		if (count == 0) {
			return null;
		}
		Block[] stack = this.stacks[sizeClass];
		Block block = stack[--count];
		stack[count] = null;
		this.counts[sizeClass] = count;
		this.retained -= block.capacity();
		long excess = this.leased - this.retained - 2 * this.quota.chunk();
		if (excess > 0) {
			// keep one chunk of room, give back the rest
			long back = excess + this.quota.chunk();
			this.leased -= back;
			this.quota.giveBack(back);
		}
		return block;
	}

	/**
	 * Keep a free block if its class has room and the quota allows. Under the lock.
	 * @return whether it was kept
	 */
	boolean push(Block block) {
		int sizeClass = block.sizeClass();
		int count = this.counts[sizeClass];
		Block[] stack = this.stacks[sizeClass];
		if (this.closed || count == stack.length) {
			return false;
		}
		long needed = this.retained + block.capacity() - this.leased;
		if (needed > 0) {
			long granted = this.quota.lease(needed);
			if (granted == 0) {
				return false;
			}
			this.leased += granted;
		}
		stack[count] = block;
		this.counts[sizeClass] = count + 1;
		this.retained += block.capacity();
		return true;
	}

	/**
	 * Take any block, or {@code null}: to empty the magazine. Under the lock.
	 */
	@Nullable Block poll() {
		for (int sizeClass = 0; sizeClass < this.stacks.length; sizeClass++) {
			if (this.counts[sizeClass] > 0) {
				return pop(sizeClass);
			}
		}
		// empty: nothing kept, so no quota either
		this.quota.giveBack(this.leased);
		this.leased = 0;
		return null;
	}

	/**
	 * Refuse every block from now on. Under the lock.
	 */
	void close() {
		this.closed = true;
	}

	/**
	 * Return the bytes kept here. Under the lock.
	 */
	long retained() {
		return this.retained;
	}

	/**
	 * Return the bytes of the given class kept here. Under the lock.
	 */
	long retained(int sizeClass) {
		long bytes = 0;
		Block[] stack = this.stacks[sizeClass];
		for (int i = 0; i < this.counts[sizeClass]; i++) {
			bytes += stack[i].capacity();
		}
		return bytes;
	}

	int room(int sizeClass) {
		return this.stacks[sizeClass].length;
	}

}
