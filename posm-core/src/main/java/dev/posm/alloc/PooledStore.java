package dev.posm.alloc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One shared pool of power-of-two size classes, from {@value SizeClasses#MIN_BLOCK_SIZE}
 * bytes up to the class of {@code maxBlockSize}, striped into {@link Magazine magazines}
 * by thread id. A take looks in the thread's own magazine first, then in the others
 * that may have a block; a block given back goes to the thread's own magazine, else to
 * another with room. What no magazine can keep within {@code maxRetained} is dropped,
 * and larger requests are served unpooled and never kept; a dropped block's direct
 * memory is freed as {@link DirectMemory} says.
 *
 * @author posm
 */
public class PooledStore implements BlockStore {

	/** The most blocks one class keeps per magazine. */
	public static final int MAX_BLOCKS_PER_CLASS = 256;

	private final boolean direct;

	private final int maxBlockSize;

	private final ChunkedQuota quota;

	private final Magazine[] magazines;

	private final int mask;

	private final int[] blocksPerClass;

	private volatile boolean closed;

	/**
	 * Create a pool.
	 * @param direct whether blocks are direct memory
	 * @param maxBlockSize the largest block size served from the pool
	 * @param maxRetained the bound on the bytes kept for reuse
	 */
	public PooledStore(boolean direct, int maxBlockSize, long maxRetained) {
		this.direct = direct;
		this.maxBlockSize = maxBlockSize;
		int classes = SizeClasses.classOf(maxBlockSize) + 1;
		this.blocksPerClass = new int[classes];
		for (int sizeClass = 0; sizeClass < classes; sizeClass++) {
			this.blocksPerClass[sizeClass] = (int) Math.min(MAX_BLOCKS_PER_CLASS,
					maxRetained / SizeClasses.capacity(sizeClass));
		}
		int count = Stripes.count();
		// about a quarter of a magazine's fair share per lease
		this.quota = new ChunkedQuota(maxRetained, maxRetained / (4L * count));
		this.magazines = new Magazine[count];
		for (int i = 0; i < count; i++) {
			this.magazines[i] = new Magazine(this.blocksPerClass, this.quota);
		}
		this.mask = count - 1;
	}

	@Override
	public Block take(int size) {
		int sizeClass = sizeClass(size);
		if (sizeClass < 0) {
			return newBlock(size, -1);
		}
		Block block = takeRetained(sizeClass);
		if (block != null) {
			block.fresh = false;
			return block;
		}
		return freshBlock(sizeClass);
	}

	/**
	 * Take a kept block of the given class, or {@code null}.
	 */
	@Nullable Block takeRetained(int sizeClass) {
		int start = Stripes.index(this.mask);
		for (int i = 0; i <= this.mask; i++) {
			Magazine magazine = this.magazines[(start + i) & this.mask];
			if (magazine.mayHave(sizeClass) && magazine.tryLock()) {
				Block block = magazine.pop(sizeClass);
				magazine.unlock();
				if (block != null) {
					return block;
				}
			}
		}
		return null;
	}

	/**
	 * Return a new block of the given class.
	 */
	Block freshBlock(int sizeClass) {
		return newBlock(SizeClasses.capacity(sizeClass), sizeClass);
	}

	final Block newBlock(int capacity, int sizeClass) {
		return this.direct ? DirectMemory.newBlock(capacity, sizeClass)
				: new Block(ByteBuffer.allocate(capacity), sizeClass, null);
	}

	@Override
	public void give(Block block) {
		if (block.sizeClass() < 0) {
			block.drop();
		}
		else {
			keepOrDrop(block);
		}
	}

	/**
	 * Keep the block in a magazine if one has room, else drop it.
	 */
	final void keepOrDrop(Block block) {
		if (!retainInPool(block)) {
			block.drop();
		}
	}

	/**
	 * Keep the block in a magazine if one has room: the thread's own first.
	 * @return whether it was kept
	 */
	final boolean retainInPool(Block block) {
		if (this.closed) {
			return false;
		}
		int start = Stripes.index(this.mask);
		for (int i = 0; i <= this.mask; i++) {
			Magazine magazine = this.magazines[(start + i) & this.mask];
			if ((i == 0) ? lock(magazine) : magazine.tryLock()) {
				boolean kept = magazine.push(block);
				magazine.unlock();
				if (kept) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean lock(Magazine magazine) {
		magazine.lock();
		return true;
	}

	@Override
	public final int sizeClass(int size) {
		return (size <= this.maxBlockSize) ? SizeClasses.classOf(size) : -1;
	}

	final int classCount() {
		return this.blocksPerClass.length;
	}

	@Override
	public long retainedBytes() {
		return retainedBytes(List.of());
	}

	/**
	 * Return the bytes kept by the pool's magazines and the given others, all locked at
	 * once: a block moving from one magazine to another is then counted once.
	 */
	final long retainedBytes(Collection<Magazine> others) {
		List<Magazine> all = new ArrayList<>(others);
		all.addAll(Arrays.asList(this.magazines));
		int locked = 0;
		try {
			long bytes = 0;
			for (Magazine magazine : all) {
				magazine.lock();
				locked++;
				bytes += magazine.retained();
			}
			return bytes;
		}
		finally {
			for (int i = 0; i < locked; i++) {
				all.get(i).unlock();
			}
		}
	}

	@Override
	public void trim() {
		for (Magazine magazine : this.magazines) {
			drain(magazine);
		}
	}

	/**
	 * Drop every block of the given magazine and give back its quota. The blocks are
	 * dropped once the magazine is unlocked: freeing memory may take a while.
	 */
	static void drain(Magazine magazine) {
		List<Block> dropped = new ArrayList<>();
		magazine.lock();
		try {
			for (Block block = magazine.poll(); block != null; block = magazine.poll()) {
				dropped.add(block);
			}
		}
		finally {
			magazine.unlock();
		}
		dropped.forEach(Block::drop);
	}

	@Override
	public void close() {
		this.closed = true;
		for (Magazine magazine : this.magazines) {
			magazine.lock();
			magazine.close();
			magazine.unlock();
		}
		trim();
	}

	@Override
	public final boolean isDirect() {
		return this.direct;
	}

	final boolean isClosed() {
		return this.closed;
	}

	final ChunkedQuota quota() {
		return this.quota;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("maxBlockSize", this.maxBlockSize);
		description.put("maxRetained", this.quota.bound());
		description.put("magazines", this.magazines.length);
		List<Map<String, Object>> classes = new ArrayList<>();
		for (int sizeClass = 0; sizeClass < this.blocksPerClass.length; sizeClass++) {
			long retained = 0;
			for (Magazine magazine : this.magazines) {
				magazine.lock();
				retained += magazine.retained(sizeClass);
				magazine.unlock();
			}
			Map<String, Object> sizeClassDescription = new LinkedHashMap<>();
			sizeClassDescription.put("blockSize", SizeClasses.capacity(sizeClass));
			sizeClassDescription.put("maxBlocks", this.blocksPerClass[sizeClass]);
			sizeClassDescription.put("retainedBytes", retained);
			classes.add(sizeClassDescription);
		}
		description.put("sizeClasses", classes);
		return description;
	}

}
