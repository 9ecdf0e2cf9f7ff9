package dev.posm;

import java.lang.ref.WeakReference;

import dev.posm.alloc.Block;
import dev.posm.alloc.ChunkedQuota;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous agent: a chain of operations with an associated allocator. Its
 * operations take their POSMs from that allocator through a small cache of the blocks
 * its earlier operations released, so a long-lived agent reuses the same memory
 * operation after operation without a thread-local.
 * <p>
 * A shared agent ({@link Agents#agent(String)}) lives as long as its {@link Agents}
 * and serves concurrent operations. An opened agent ({@link Agents#open(String)})
 * serves one chain, such as one connection, and is {@link #close() closed} with it.
 * Every agent counts in a tally of its own, which only its operations write, and
 * reports into the {@link #stats() stats} of its name.
 *
 * @author posm
 */
public final class Agent implements AutoCloseable {

	/** Free operation states an agent keeps for its next operations. */
	private static final int MAX_FREE_STATES = 4;

	private final String name;

	private final PosmAllocator allocator;

	/** The allocator, when it is posm's own: its blocks can be cached and counted here. */
	private final @Nullable StoreAllocator blocks;

	final Tally tally;

	private final Shelf shelf;

	private final AgentGroup group;

	private final boolean shared;

	/** This agent's {@code max-bytes-in-use}, 0 for none. */
	private final long maxBytesInUse;

	/** Whether a budget applies: this agent's or its name's total. */
	private final boolean budgeted;

	// guarded by the tally's lock

	private boolean closed;

	private @Nullable OperationState free;

	private int freeCount;

	Agent(String name, PosmAllocator allocator, int cacheBlocks, long maxBytesInUse, AgentGroup group,
			boolean shared) {
		this.name = name;
		this.allocator = allocator;
		this.blocks = (allocator instanceof StoreAllocator own) ? own : null;
		this.tally = new Tally((this.blocks != null) ? this.blocks.ledger : null, group);
		// only our own allocators' blocks can be matched by size class
		this.shelf = new Shelf((this.blocks != null) ? cacheBlocks : 0, this.tally);
		this.tally.shelf = new WeakReference<>(this.shelf);
		this.group = group;
		this.shared = shared;
		this.maxBytesInUse = maxBytesInUse;
		this.budgeted = maxBytesInUse > 0 || group.totalBudget != null;
		group.register(this.tally);
		if (this.blocks != null) {
			this.blocks.ledger.register(this.tally);
		}
	}

	/**
	 * Return the name of this agent.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the allocator this agent's operations take their POSMs from.
	 * @return the allocator
	 */
	public PosmAllocator allocator() {
		return this.allocator;
	}

	/**
	 * Return the counters of every agent of this name.
	 * @return a snapshot of the counters
	 */
	public AgentStats stats() {
		return this.group.stats();
	}

	/**
	 * Return the bytes of released blocks this agent keeps for its next operations.
	 * @return the cached bytes
	 */
	public long cachedBytes() {
		this.tally.lock();
		try {
			return this.tally.cachedBytes;
		}
		finally {
			this.tally.unlock();
		}
	}

	/**
	 * Return whether this is the shared agent of its name, rather than one opened for
	 * a chain.
	 * @return {@code true} for the shared agent
	 */
	public boolean isShared() {
		return this.shared;
	}

	/**
	 * Return whether this opened agent was {@link #close() closed}: it then takes no
	 * POSM any more. Always {@code false} for a shared agent.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		this.tally.lock();
		try {
			return this.closed;
		}
		finally {
			this.tally.unlock();
		}
	}

	/**
	 * Begin an operation of this agent. Close it when the operation completes, before
	 * its completion handler runs.
	 * @return the operation
	 * @throws IllegalStateException if this agent was closed
	 */
	public Operation begin() {
		// small enough to be inlined, so that a handle that goes nowhere is never allocated
		OperationState state = startOperation();
		return new Operation(state, state.stamp());
	}

	/**
	 * Begin the next operation on the handle of one that has completed, rather than on a
	 * new handle: for a loop that runs its operations one after another and keeps its
	 * handle to itself (a connection's reads, one chunk per operation), so that beginning
	 * allocates nothing. Every reference to that handle then refers to the new operation:
	 * use it only on a handle no other code holds. Under
	 * {@link LeakDetection#PARANOID paranoid} leak detection a new handle is returned
	 * instead, so that a stale handle is caught there as after {@link #begin()}.
	 * @param completed a handle of an operation of this agent that has completed
	 * @return the handle of the new operation: {@code completed}, or a new handle
	 * @throws IllegalArgumentException if the handle is another agent's
	 * @throws IllegalStateException if its operation has not completed, or this agent was
	 * closed
	 */
	public Operation restart(Operation completed) {
		if (completed.agent() != this) {
			throw new IllegalArgumentException(completed + " is not an operation of agent '" + this.name + "'");
		}
		if (!completed.isClosed()) {
			throw new IllegalStateException(completed + " is still running: close it before restarting it");
		}
		OperationState state = startOperation();
		if (leakDetection() == LeakDetection.PARANOID) {
			return new Operation(state, state.stamp());
		}
		completed.restart(state, state.stamp());
		return completed;
	}

	private OperationState startOperation() {
		Tally tally = this.tally;
		tally.lock();
		try {
			if (this.closed) {
				throw new IllegalStateException("Agent '" + this.name + "' was closed: open a new one");
			}
			OperationState state = this.free;
			if (state != null) {
				this.free = state.nextFree;
				state.nextFree = null;
				this.freeCount--;
			}
			else {
				state = new OperationState(this, leakDetection());
			}
			state.begin();
			tally.begun();
			return state;
		}
		finally {
			tally.unlock();
		}
	}

	/**
	 * Keep a state whose operation completed, for the next one. Under the lock.
	 */
	void free(OperationState state) {
		if (this.freeCount < MAX_FREE_STATES && !this.closed) {
			state.nextFree = this.free;
			this.free = state;
			this.freeCount++;
		}
	}

	/**
	 * Take a POSM of this agent outside any operation: counted for the agent, released
	 * by its holder, never reclaimed by an operation's end.
	 * @param size the size in bytes
	 * @return the POSM
	 * @throws IllegalArgumentException if the size is negative
	 * @throws IllegalStateException if this agent was closed
	 */
	public Posm allocate(int size) {
		return allocate(null, 0, size);
	}

	Posm allocate(@Nullable OperationState operation, long stamp, int size) {
		Allocators.checkSize(size);
		StoreAllocator blocks = this.blocks;
		if (blocks == null) {
			return adopt(operation, stamp, size);
		}
		// the hot path, kept small so that callers inline it: a block from the shelf
		Posm posm = null;
		boolean peakRose = false;
		int refusal = Tally.ADMITTED;
		Tally tally = this.tally;
		tally.lock();
		try {
			if (this.budgeted) {
				refusal = tally.admit(blocks.store.capacityFor(size), this.maxBytesInUse);
			}
			Block block = (refusal == Tally.ADMITTED && canTake(operation, stamp))
					? this.shelf.take(blocks.store, size) : null;
			if (block != null) {
				posm = Posm.of(block, blocks);
				peakRose = lease(posm, size, operation, false);
			}
		}
		finally {
			tally.unlock();
		}
		if (refusal != Tally.ADMITTED) {
			throw overBudget(refusal, blocks.store.capacityFor(size), size);
		}
		if (posm == null) {
			return allocateFromStore(blocks, operation, stamp, size);
		}
		if (peakRose) {
			blocks.ledger.peakRaised();
		}
		return posm;
	}

	/**
	 * Take a block from the allocator: nothing fit on the shelf.
	 */
	private Posm allocateFromStore(StoreAllocator blocks, @Nullable OperationState operation, long stamp, int size) {
		checkTakesLocked(operation, stamp);
		Tally tally = this.tally;
		// new memory is slow to get, so not under our lock
		Block block = blocks.store.take(size);
		Posm posm = Posm.of(block, blocks);
		boolean peakRose = false;
		int refusal = Tally.ADMITTED;
		tally.lock();
		try {
			if (!canTake(operation, stamp)) {
				blocks.store.give(block);
				checkTakes(operation, stamp);
			}
			// checked again with the block in hand: another operation may have taken meanwhile
			if (this.budgeted) {
				refusal = tally.admit(block.capacity(), this.maxBytesInUse);
			}
			if (refusal == Tally.ADMITTED) {
				peakRose = lease(posm, size, operation, block.isFresh());
			}
		}
		finally {
			tally.unlock();
		}
		if (refusal != Tally.ADMITTED) {
			blocks.store.give(block);
			throw overBudget(refusal, block.capacity(), size);
		}
		if (peakRose) {
			blocks.ledger.peakRaised();
		}
		return posm;
	}

	/**
	 * Lease a POSM to this agent, for the given operation if any. Under the lock.
	 * @return whether the agent's peak rose
	 */
	private boolean lease(Posm posm, int size, @Nullable OperationState operation, boolean fresh) {
		posm.lease(size, this.tally, this.shelf, operation);
		if (operation != null) {
			operation.link(posm);
		}
		return this.tally.leased(posm.capacity, fresh);
	}

	private PosmBudgetExceededException overBudget(int refusal, int capacity, int size) {
		ChunkedQuota total = this.group.totalBudget;
		if (refusal == Tally.OVER_AGENT_BUDGET || total == null) {
			return new PosmBudgetExceededException(this.name, "max-bytes-in-use", this.maxBytesInUse,
					this.tally.bytesInUse(), capacity, size);
		}
		return new PosmBudgetExceededException(this.name, "max-total-bytes-in-use", total.bound(),
				this.group.bytesInUse(), capacity, size);
	}

	private boolean canTake(@Nullable OperationState operation, long stamp) {
		return (operation != null) ? operation.isRunning(stamp) : !this.closed;
	}

	private void checkTakesLocked(@Nullable OperationState operation, long stamp) {
		this.tally.lock();
		try {
			checkTakes(operation, stamp);
		}
		finally {
			this.tally.unlock();
		}
	}

	private void checkTakes(@Nullable OperationState operation, long stamp) {
		if (!canTake(operation, stamp)) {
			throw new IllegalStateException(((operation != null) ? operation + " has completed"
					: "Agent '" + this.name + "' was closed") + ": it cannot take a POSM any more");
		}
	}

	/**
	 * Take a POSM from an allocator that is not posm's own: it counts the POSM, and the
	 * operation takes it back when it completes.
	 */
	private Posm adopt(@Nullable OperationState operation, long stamp, int size) {
		checkTakesLocked(operation, stamp);
		Tally tally = this.tally;
		Posm posm = this.allocator.allocate(size);
		if (operation == null) {
			return posm;
		}
		tally.lock();
		try {
			if (operation.isRunning(stamp)) {
				operation.adopt(posm);
				tally.leased(posm.capacity, posm.block.isFresh());
				return posm;
			}
		}
		finally {
			tally.unlock();
		}
		posm.release();
		throw new IllegalStateException(operation + " has completed: it cannot take a POSM any more");
	}

	/**
	 * Close an opened agent: its cached blocks go back to the allocator. A no-op for a
	 * shared agent. Memory its operations or holders still have stays counted for its
	 * name until given back.
	 */
	@Override
	public void close() {
		if (this.shared) {
			return;
		}
		Tally tally = this.tally;
		boolean retire;
		tally.lock();
		try {
			// one close wins even when two threads close at once: the open count drops once
			if (this.closed) {
				return;
			}
			this.closed = true;
			tally.closed = true;
			this.shelf.close();
			StoreAllocator blocks = this.blocks;
			for (Block block = this.shelf.poll(); block != null; block = this.shelf.poll()) {
				if (blocks != null) {
					blocks.store.give(block);
				}
			}
			this.free = null;
			this.freeCount = 0;
			retire = tally.isIdleAndClosed();
		}
		finally {
			tally.unlock();
		}
		this.group.closed();
		if (retire) {
			tally.retire();
		}
	}

	LeakDetection leakDetection() {
		return (this.blocks != null) ? this.blocks.leakDetection : LeakDetection.SIMPLE;
	}

	AgentGroup group() {
		return this.group;
	}

	@Override
	public String toString() {
		return "Agent['" + this.name + "', allocator '" + this.allocator.name() + "'"
				+ (this.shared ? "" : ", opened") + "]";
	}

}
