package dev.posm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.posm.alloc.Block;
import org.jspecify.annotations.Nullable;

/**
 * A per-operation stable memory resource: a lease on a {@link ByteBuffer} of the size
 * asked for, held by one owner until {@link #release() released}. While held, nobody
 * else sees or changes the memory and, for a direct buffer, it stays at one address.
 * Every lease starts the same way: position 0, limit {@link #size()}, big-endian.
 * <p>
 * Handles are recycled with their memory, which keeps the hot path free of
 * allocations: do not keep a {@code Posm}, or its buffer, after releasing it. A second
 * {@code release()} or a {@code buffer()} after release throws
 * {@link IllegalStateException} as long as the memory has not been handed out again;
 * once it has, a stale handle is the next holder's, and a stale call acts on that
 * holder's lease. A handle its operation reclaimed is retired for good: a late call on
 * it always throws.
 * <p>
 * A buffer kept past its release sees the next holder's memory if its block was handed
 * out again; if posm dropped the block instead, its memory is freed at once on Java 25
 * and any later access through the buffer throws {@link IllegalStateException}, while
 * before Java 25 the memory stays the buffer's until the collector finds it unreachable
 * (see {@link dev.posm.alloc.DirectMemory}).
 *
 * @author posm
 */
public final class Posm implements AutoCloseable {

	private static final int FREE = 0;

	private static final int HELD = 1;

	/** Reclaimed from a holder that did not release it: this handle is never used again. */
	private static final int RETIRED = 2;

	/** Released under paranoid leak detection: every lease has a handle of its own. */
	private static final int RELEASED_FOR_GOOD = 3;

	private static final System.Logger logger = System.getLogger("dev.posm.misuse");

	final Block block;

	private final ByteBuffer memory;

	/** The capacity of the block: what this POSM is counted as. */
	final int capacity;

	final StoreAllocator allocator;

	private final @Nullable LeakProbe probe;

	// written under the owner's lock; read without it only by the holder (buffer()) and by
	// misuse checks that look again under the lock
	private int state;

	// the lease, written under the owner's lock by the taker

	private int size;

	/** The tally that counts this lease and whose lock guards it; kept once it ended. */
	@Nullable Tally owner;

	/** Where the block goes when given back before its allocator: the agent's shelf. */
	private @Nullable Shelf shelf;

	/** The operation that holds this POSM, if any. */
	@Nullable OperationState operation;

	// the operation's list of held POSMs
	@Nullable Posm previousInOperation;

	@Nullable Posm nextInOperation;

	/** Counts the leases of this handle, for holders that keep no link (adopted POSMs). */
	long serial;

	/** What holders keep with this handle across leases of its memory; see attach(). */
	private @Nullable Object attachment;

	// paranoid only: where this handle's one lease was taken and given back
	private @Nullable Throwable takenAt;

	private @Nullable Throwable releasedAt;

	private Posm(Block block, StoreAllocator allocator, @Nullable LeakProbe probe) {
		this.block = block;
		this.memory = block.memory();
		this.capacity = block.capacity();
		this.allocator = allocator;
		this.probe = probe;
	}

	/**
	 * Return the handle that goes with the given block: the one it had, unless that one
	 * was retired.
	 */
	static Posm of(Block block, StoreAllocator allocator) {
		Object lease = block.lease();
		Posm posm;
		if (lease instanceof Posm previous) {
			if (previous.state == FREE) {
				return previous;
			}
			posm = new Posm(block, allocator, previous.probe);
		}
		else {
			// watch the memory, not the handle: a reclaimed block lives on under a new handle
			posm = new Posm(block, allocator, LeakProbe.watch(block, allocator));
		}
		block.lease(posm);
		return posm;
	}

	/**
	 * Return the memory of this POSM, with position 0 and limit {@link #size()} when
	 * taken.
	 * @return the buffer
	 * @throws IllegalStateException if this POSM was released
	 */
	public ByteBuffer buffer() {
		if (this.state != HELD) {
			throw misuse("buffer() called on " + this + ", "
					+ ((endState() == RETIRED) ? "which its operation reclaimed when it completed"
							: "which was released")
					+ ": a POSM may not be used after it is given back");
		}
		return this.memory;
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
		return this.memory.isDirect();
	}

	/**
	 * Say what the holder of this POSM is serving now (a request, a connection): a leak
	 * report of this lease names it. The next lease starts without.
	 * @param what a short description, or {@code null} for none
	 * @throws IllegalStateException if this POSM was released
	 */
	public void serving(@Nullable String what) {
		checkHeld("serving()");
		LeakProbe probe = this.probe;
		if (probe != null) {
			probe.serving(what);
		}
	}

	/**
	 * Return the object kept with this handle by {@link #attach(Object)}: it outlives the
	 * lease, so the next holder of the same memory finds what the last one left.
	 * @return the attachment, or {@code null}
	 * @throws IllegalStateException if this POSM was released
	 */
	public @Nullable Object attachment() {
		checkHeld("attachment()");
		return this.attachment;
	}

	/**
	 * Keep an object with this handle across leases of its memory: for a layer that wraps
	 * a POSM in an object of its own (a Netty {@code ByteBuf}) and reuses that object with
	 * the memory, so that taking the memory again allocates nothing. Every holder of the
	 * handle sees it: leave nothing there that another holder must not reach. A handle is
	 * reused only with its memory, and never under paranoid leak detection (every lease
	 * gets a handle of its own), so an attachment is found only with the memory it was
	 * left with.
	 * @param attachment the object to keep, or {@code null} to keep none
	 * @throws IllegalStateException if this POSM was released
	 */
	public void attach(@Nullable Object attachment) {
		checkHeld("attach()");
		this.attachment = attachment;
	}

	private void checkHeld(String call) {
		if (this.state != HELD) {
			throw misuse(call + " called on " + this + ", which was released: only its holder may use a POSM");
		}
	}

	/**
	 * Give the memory back to its agent or allocator.
	 * @throws IllegalStateException if this POSM was released already
	 */
	public void release() {
		if (!giveBack()) {
			throw misuse((endState() == RETIRED)
					? "release() called on " + this + " after its operation completed and reclaimed it: "
							+ "release POSMs before completing the operation; this call changed nothing"
					: "release() called twice on " + this + ": the POSM was released already, "
							+ "the second call changed nothing");
		}
	}

	/**
	 * Return how the last lease of this handle ended, read under the lock it ended under:
	 * for the message of a misuse that raced with that end.
	 */
	private int endState() {
		Tally owner = this.owner;
		if (owner == null) {
			return this.state;
		}
		owner.lock();
		try {
			return this.state;
		}
		finally {
			owner.unlock();
		}
	}

	private IllegalStateException misuse(String message) {
		IllegalStateException ex = new IllegalStateException(message);
		Throwable takenAt = this.takenAt;
		if (takenAt != null) {
			ex.addSuppressed(takenAt);
			Throwable releasedAt = this.releasedAt;
			if (releasedAt != null) {
				ex.addSuppressed(releasedAt);
			}
			logger.log(System.Logger.Level.ERROR, message, ex);
		}
		return ex;
	}

	/**
	 * Release this POSM if it is still held; do nothing otherwise.
	 */
	@Override
	public void close() {
		giveBack();
	}

	private boolean giveBack() {
		Tally owner = this.owner;
		if (owner == null || this.state != HELD) {
			return false;
		}
		Block toAllocator;
		boolean retire;
		owner.lock();
		try {
			// a racing reclaim or a second release may have won
			if (this.owner != owner || this.state != HELD) {
				return false;
			}
			OperationState operation = this.operation;
			if (operation != null) {
				operation.unlink(this);
			}
			retire = owner.returned(this.capacity, false);
			toAllocator = end(FREE);
		}
		finally {
			owner.unlock();
		}
		// nobody else knows this block now: this handle may be leased again at once
		finish(toAllocator, retire ? owner : null);
		return true;
	}

	/**
	 * Take this POSM back from a holder that did not release it. Under the owner's lock;
	 * the caller has unlinked it from its operation.
	 * @return the block to give to the allocator, or {@code null}
	 */
	@Nullable Block reclaim() {
		Tally owner = this.owner;
		if (owner == null || this.state != HELD) {
			return null;
		}
		owner.returned(this.capacity, true);
		return end(RETIRED);
	}

	/**
	 * Take back an adopted POSM, one that an operation holds without a link, if it is
	 * still the lease of the given serial.
	 * @return whether it was reclaimed
	 */
	boolean reclaimIfLeased(long serial) {
		Tally owner = this.owner;
		if (owner == null) {
			return false;
		}
		Block toAllocator;
		boolean retire;
		owner.lock();
		try {
			if (this.owner != owner || this.serial != serial || this.state != HELD) {
				return false;
			}
			retire = owner.returned(this.capacity, true);
			toAllocator = end(RETIRED);
		}
		finally {
			owner.unlock();
		}
		finish(toAllocator, retire ? owner : null);
		return true;
	}

	private @Nullable Block end(int endState) {
		if (this.takenAt != null) {
			this.releasedAt = new Throwable((endState == RETIRED) ? "POSM reclaimed here" : "POSM released here");
			endState = (endState == FREE) ? RELEASED_FOR_GOOD : endState;
		}
		LeakProbe probe = this.probe;
		if (probe != null) {
			probe.ended();
		}
		// the owner stays: a late misuse reads how the lease ended under its lock
		this.operation = null;
		Shelf shelf = this.shelf;
		this.shelf = null;
		this.state = endState;
		return (shelf != null) ? shelf.keep(this.block) : this.block;
	}

	private void finish(@Nullable Block toAllocator, @Nullable Tally retired) {
		if (toAllocator != null) {
			this.allocator.store.give(toAllocator);
		}
		if (retired != null) {
			retired.retire();
		}
	}

	/**
	 * Hand this free block to a new holder. Under the new owner's lock, with the block
	 * exclusively in hand.
	 */
	void lease(int size, Tally owner, @Nullable Shelf shelf, @Nullable OperationState operation) {
		this.size = size;
		this.owner = owner;
		this.shelf = shelf;
		this.operation = operation;
		this.serial++;
		this.memory.clear().limit(size);
		this.memory.order(ByteOrder.BIG_ENDIAN);
		LeakProbe probe = this.probe;
		if (probe != null) {
			if (this.allocator.leakDetection == LeakDetection.PARANOID) {
				this.takenAt = new Throwable("POSM taken here");
			}
			probe.leased(owner, this.takenAt);
		}
		this.state = HELD;
	}

	/**
	 * Whether the given buffer is this POSM's own memory.
	 */
	boolean owns(ByteBuffer buffer) {
		return buffer == this.memory;
	}

	@Override
	public String toString() {
		return "POSM[" + this.size + " of " + this.capacity + " bytes, " + (isDirect() ? "direct" : "heap")
				+ ", allocator '" + this.allocator.name() + "']";
	}

}
