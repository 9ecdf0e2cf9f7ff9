package dev.posm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An asynchronous agent: a chain of operations with an associated allocator. Its
 * operations take their POSMs from that allocator through a small cache of the blocks
 * its earlier operations released, so a long-lived agent reuses the same memory
 * operation after operation without a thread-local.
 * <p>
 * A shared agent ({@link Agents#agent(String)}) lives as long as its {@link Agents}
 * and serves concurrent operations. An opened agent ({@link Agents#open(String)})
 * serves one chain, such as one connection, and is {@link #close() closed} with it.
 * Every agent reports into the {@link #stats() stats} of its name.
 *
 * @author posm
 */
public final class Agent implements AutoCloseable {

	private static final VarHandle CLOSED;

	static {
		try {
			CLOSED = MethodHandles.lookup().findVarHandle(Agent.class, "closed", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final String name;

	private final PosmAllocator allocator;

	private final AgentCounters counters;

	private final BlockCache cache;

	/** What this one agent holds: its peak is what the seed's serial POSMs are about. */
	private final BytesInUse bytes = new BytesInUse();

	private final Agents agents;

	private final boolean shared;

	@SuppressWarnings("unused") // written through CLOSED
	private volatile boolean closed;

	Agent(String name, PosmAllocator allocator, AgentCounters counters, int cacheBlocks, Agents agents,
			boolean shared) {
		this.name = name;
		this.allocator = allocator;
		this.counters = counters;
		// only our own allocators' blocks can be matched by size class
		this.cache = new BlockCache((allocator instanceof BlockAllocator) ? cacheBlocks : 0);
		this.agents = agents;
		this.shared = shared;
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
		return this.counters.snapshot();
	}

	/**
	 * Return the bytes of released blocks this agent keeps for its next operations.
	 * @return the cached bytes
	 */
	public long cachedBytes() {
		return this.cache.bytes();
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
	 * Begin an operation of this agent. Close it when the operation completes, before
	 * its completion handler runs.
	 * @return the operation
	 * @throws IllegalStateException if this agent was closed
	 */
	public Operation begin() {
		if (this.closed) {
			throw new IllegalStateException("Agent '" + this.name + "' was closed: open a new one");
		}
		this.counters.begun();
		return new Operation(this);
	}

	/**
	 * Close an opened agent: its cached blocks go back to the allocator. A no-op for a
	 * shared agent.
	 */
	@Override
	public void close() {
		// one close wins even when two threads close at once: the open count drops once
		if (this.shared || !CLOSED.compareAndSet(this, false, true)) {
			return;
		}
		this.cache.drain();
		this.agents.closed(this);
	}

	Posm allocate(Operation operation, int size) {
		Allocators.checkSize(size);
		if (operation.isClosed()) {
			throw completed(operation);
		}
		Posm posm = null;
		if (this.cache.size() > 0) {
			BlockAllocator blocks = (BlockAllocator) this.allocator;
			int sizeClass = blocks.sizeClass(size);
			if (sizeClass >= 0) {
				posm = this.cache.take(sizeClass);
				if (posm != null) {
					posm.fresh = false;
					posm.lease(size, operation);
				}
			}
		}
		if (posm == null) {
			posm = (this.allocator instanceof BlockAllocator blocks) ? blocks.allocate(size, operation)
					: adopt(this.allocator.allocate(size), operation);
		}
		this.counters.leased(posm, this.bytes.add(posm.capacity));
		if (!operation.attach(posm)) {
			// closed while we leased: give it back, counted as taken and released
			posm.release();
			throw completed(operation);
		}
		return posm;
	}

	private static IllegalStateException completed(Operation operation) {
		return new IllegalStateException(operation + " has completed: it cannot take a POSM any more");
	}

	private static Posm adopt(Posm posm, Operation operation) {
		posm.operation = operation;
		return posm;
	}

	void returned(Posm posm, boolean reclaimed) {
		this.bytes.subtract(posm.capacity);
		this.counters.returned(posm, reclaimed);
		// when the cache is full, the block just released takes the place of one of another
		// size: an agent that moved on (a handshake block, then transfer blocks) does not
		// keep memory of the size it no longer uses
		if (posm.sizeClass < 0 || this.closed || !(this.cache.put(posm) || this.cache.replaceOtherSize(posm))) {
			posm.home.recycle(posm);
		}
		else if (this.closed) {
			// closed while we put it: make sure nothing stays behind
			this.cache.drain();
		}
	}

	AgentCounters counters() {
		return this.counters;
	}

	void ended(boolean failed) {
		this.counters.ended(failed);
	}

	@Override
	public String toString() {
		return "Agent['" + this.name + "', allocator '" + this.allocator.name() + "'"
				+ (this.shared ? "" : ", opened") + "]";
	}

}
