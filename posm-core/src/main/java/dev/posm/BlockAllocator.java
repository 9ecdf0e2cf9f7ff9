package dev.posm;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The base of posm's own allocators: leasing, counting and leak detection around a
 * strategy that only takes and recycles free blocks.
 *
 * @author posm
 */
abstract class BlockAllocator implements PosmAllocator {

	private final String name;

	private final AllocatorType type;

	final boolean direct;

	final LeakDetection leakDetection;

	final AllocationCounters counters = new AllocationCounters();

	BlockAllocator(String name, AllocatorType type, boolean direct, LeakDetection leakDetection) {
		this.name = name;
		this.type = type;
		this.direct = direct;
		this.leakDetection = leakDetection;
	}

	@Override
	public final Posm allocate(int size) {
		return allocate(size, null);
	}

	final Posm allocate(int size, @Nullable Operation operation) {
		Allocators.checkSize(size);
		return take(size).lease(size, operation);
	}

	/**
	 * Return a free block for a POSM of the given size, its {@code fresh} flag set.
	 */
	abstract Posm take(int size);

	/**
	 * Take back a free block: keep it for reuse or drop it.
	 */
	abstract void recycle(Posm posm);

	/**
	 * Return the size class that serves the given size, or -1 when POSMs of that size
	 * are never reused.
	 */
	int sizeClass(int size) {
		return -1;
	}

	abstract long retainedBytes();

	/**
	 * Return how to give back the resource of a POSM dropped without release, when the
	 * garbage collector does not free it by itself; run on the cleaner's thread. It must
	 * not refer to this allocator.
	 */
	@Nullable Consumer<Object> leakedResourceRelease() {
		return null;
	}

	final Posm newBlock(int capacity, int sizeClass) {
		ByteBuffer block = this.direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
		return newBlock(block, sizeClass, null);
	}

	final Posm newBlock(ByteBuffer block, int sizeClass, @Nullable Object resource) {
		Posm posm = new Posm(block, sizeClass, this, resource);
		posm.fresh = true;
		return posm;
	}

	@Override
	public final String name() {
		return this.name;
	}

	@Override
	public final String type() {
		return this.type.id();
	}

	@Override
	public final boolean isDirect() {
		return this.direct;
	}

	@Override
	public final AllocatorStats stats() {
		return this.counters.snapshot(retainedBytes());
	}

	@Override
	public final long leaks() {
		return this.counters.leaks();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("leakDetection", this.leakDetection.name().toLowerCase(java.util.Locale.ROOT));
		return description;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "['" + this.name + "', " + (this.direct ? "direct" : "heap") + "]";
	}

}
