package dev.posm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A per-operation stable memory resource: a lease on a {@link ByteBuffer} of the size
 * asked for, held by one owner until {@link #release() released}. While held, nobody
 * else sees or changes the memory and, for a direct buffer, it stays at one address.
 * <p>
 * Handles are recycled with their memory, which keeps the hot path free of
 * allocations: do not keep a {@code Posm}, or its buffer, after releasing it. A second
 * {@code release()} or a {@code buffer()} after release throws
 * {@link IllegalStateException} as long as the handle has not been handed out again.
 *
 * @author posm
 */
public final class Posm implements AutoCloseable {

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(Posm.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int FREE = 0;

	private static final int HELD = 1;

	/** Reclaimed from a holder that did not release it: this handle is never used again. */
	private static final int RETIRED = 2;

	/** The whole block; its capacity is what the POSM is counted as. */
	private final ByteBuffer block;

	final int capacity;

	/** The size class of the block in its allocator, or -1 if it must not be reused. */
	final int sizeClass;

	final BlockAllocator home;

	/** What the allocator must release with the block (a Netty buffer), if anything. */
	final @Nullable Object resource;

	private final @Nullable LeakProbe probe;

	@SuppressWarnings("unused") // through STATE
	private volatile int state;

	private int size;

	/** Whether the current lease is served by new memory rather than reuse. */
	boolean fresh = true;

	/** The operation that holds this POSM, if any: set at lease, read at return. */
	@Nullable Operation operation;

	// the operation's list of held POSMs, guarded by that operation
	@Nullable Posm previousInOperation;

	@Nullable Posm nextInOperation;

	Posm(ByteBuffer block, int sizeClass, BlockAllocator home, @Nullable Object resource) {
		this.block = block;
		this.capacity = block.capacity();
		this.sizeClass = sizeClass;
		this.home = home;
		this.resource = resource;
		// watch the memory, not the handle: a reclaimed block lives on under a new handle
		this.probe = LeakProbe.watch(block, home, this.capacity, resource);
	}

	/**
	 * A new handle for the block of a retired one.
	 */
	private Posm(Posm retired) {
		this.block = retired.block;
		this.capacity = retired.capacity;
		this.sizeClass = retired.sizeClass;
		this.home = retired.home;
		this.resource = retired.resource;
		this.probe = retired.probe;
	}

	/**
	 * Return the memory of this POSM, with position 0 and limit {@link #size()}.
	 * @return the buffer
	 * @throws IllegalStateException if this POSM was released
	 */
	public ByteBuffer buffer() {
		int state = (int) STATE.getAcquire(this);
		if (state != HELD) {
			throw new IllegalStateException("buffer() called on " + this + ", "
					+ ((state == RETIRED) ? "which its operation reclaimed when it completed"
							: "which was released")
					+ ": a POSM may not be used after it is given back");
		}
		return this.block;
	}

	/**
	 * Return the size asked for: the limit of the buffer.
	 * @return the size in bytes
	 */
	public int size() {
		return this.size;
	}

	/**
	 * Return the capacity of the block behind this POSM: what it is counted as.
	 * @return the capacity in bytes
	 */
	public int capacity() {
		return this.capacity;
	}

	/**
	 * Return whether the memory is direct (off-heap, at a fixed address).
	 * @return {@code true} for a direct buffer
	 */
	public boolean isDirect() {
		return this.block.isDirect();
	}

	/**
	 * Give the memory back to its agent or allocator.
	 * @throws IllegalStateException if this POSM was released already
	 */
	public void release() {
		if (!STATE.compareAndSet(this, HELD, FREE)) {
			throw new IllegalStateException(((int) STATE.getAcquire(this) == RETIRED)
					? "release() called on " + this + " after its operation completed and reclaimed it: "
							+ "release POSMs before completing the operation; this call changed nothing"
					: "release() called twice on " + this + ": the POSM was released already, "
							+ "the second call changed nothing");
		}
		returned(false);
	}

	/**
	 * Release this POSM if it is still held; do nothing otherwise.
	 */
	@Override
	public void close() {
		if (STATE.compareAndSet(this, HELD, FREE)) {
			returned(false);
		}
	}

	/**
	 * Take this POSM back from a holder that did not release it.
	 * @return whether it was still held
	 */
	boolean reclaim() {
		if (STATE.compareAndSet(this, HELD, RETIRED)) {
			returned(true);
			return true;
		}
		return false;
	}

	/**
	 * Whether the given buffer is this POSM's own memory.
	 */
	boolean owns(ByteBuffer buffer) {
		return buffer == this.block;
	}

	/**
	 * Hand this free block to a new holder. Called by its allocator only, with the
	 * block exclusively in hand.
	 */
	Posm lease(int size, @Nullable Operation operation) {
		this.size = size;
		this.operation = operation;
		this.block.clear().limit(size);
		LeakProbe probe = this.probe;
		if (probe != null) {
			probe.held = true;
			if (this.home.leakDetection == LeakDetection.PARANOID) {
				probe.takenAt = new Throwable("POSM taken here");
			}
		}
		this.home.counters.leased(this);
		STATE.setRelease(this, HELD);
		return this;
	}

	private void returned(boolean reclaimed) {
		LeakProbe probe = this.probe;
		if (probe != null) {
			probe.held = false;
			probe.takenAt = null;
		}
		this.home.counters.returned(this, reclaimed);
		// a holder that did not release its POSM may still hold the handle and release it
		// late: that must not release the next holder's lease, so the block goes on under
		// a new handle (reclaiming costs one small object; releasing costs none)
		Posm reusable = reclaimed ? new Posm(this) : this;
		Operation operation = this.operation;
		if (operation != null) {
			this.operation = null;
			operation.returned(this, reusable, reclaimed);
		}
		else {
			this.home.recycle(reusable);
		}
	}

	@Override
	public String toString() {
		return "POSM[" + this.size + " of " + this.capacity + " bytes, " + (isDirect() ? "direct" : "heap")
				+ ", allocator '" + this.home.name() + "']";
	}

}
