package dev.posm.alloc;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A block of memory handed between a {@link BlockStore} and the layer that leases it.
 * Whoever took a block from its store holds it exclusively until it gives it back, so
 * its fields need no synchronization of their own.
 *
 * @author posm
 */
public final class Block {

	private final ByteBuffer memory;

	private final int capacity;

	private final int sizeClass;

	private final @Nullable Object resource;

	/** What frees this block's memory at once when it is dropped, if anything: see {@link DirectMemory}. */
	private final @Nullable Object memoryOwner;

	/** Whether the current take was served by new memory rather than reuse. */
	boolean fresh = true;

	private @Nullable Object lease;

	/**
	 * Create a block over the given memory.
	 * @param memory the whole block: its capacity is what the block is counted as
	 * @param sizeClass the size class of the block in its store, or -1 if it is never
	 * reused
	 * @param resource what the store must free with the block (a Netty buffer, a slab
	 * region), if anything
	 */
	public Block(ByteBuffer memory, int sizeClass, @Nullable Object resource) {
		this(memory, sizeClass, resource, null);
	}

	Block(ByteBuffer memory, int sizeClass, @Nullable Object resource, @Nullable Object memoryOwner) {
		this.memory = memory;
		this.capacity = memory.capacity();
		this.sizeClass = sizeClass;
		this.resource = resource;
		this.memoryOwner = memoryOwner;
	}

	/**
	 * Return the memory of this block.
	 * @return the buffer over the whole block
	 */
	public ByteBuffer memory() {
		return this.memory;
	}

	/**
	 * Return the capacity of this block.
	 * @return the capacity in bytes
	 */
	public int capacity() {
		return this.capacity;
	}

	/**
	 * Return the size class of this block in its store.
	 * @return the size class, or -1 if the block is never reused
	 */
	public int sizeClass() {
		return this.sizeClass;
	}

	/**
	 * Return what the store frees with this block, if anything.
	 * @return the resource or {@code null}
	 */
	public @Nullable Object resource() {
		return this.resource;
	}

	/**
	 * Return whether the current take of this block was served by new memory.
	 * @return {@code true} for new memory, {@code false} for reuse
	 */
	public boolean isFresh() {
		return this.fresh;
	}

	/**
	 * Mark this block as served by reuse: for a layer above that keeps blocks of its own
	 * between takes.
	 */
	public void reused() {
		this.fresh = false;
	}

	/**
	 * Give up this block: nobody holds it and its store keeps it no longer. Its memory is
	 * freed at once where {@link DirectMemory} can, else by the garbage collector once
	 * nothing refers to it.
	 */
	void drop() {
		Object memoryOwner = this.memoryOwner;
		if (memoryOwner != null) {
			DirectMemory.free(memoryOwner);
		}
	}

	/**
	 * Return the object the leasing layer keeps with this block (its lease handle), so
	 * that a block reused does not need a new one.
	 * @return the lease object or {@code null}
	 */
	public @Nullable Object lease() {
		return this.lease;
	}

	/**
	 * Keep the given lease object with this block, or forget it with {@code null}.
	 * @param lease the lease object
	 */
	public void lease(@Nullable Object lease) {
		this.lease = lease;
	}

}
