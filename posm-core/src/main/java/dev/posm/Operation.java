package dev.posm;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * One asynchronous operation of an {@link Agent}: the owner of the POSMs it takes.
 * {@link #close() Closing} the operation is its completion: every POSM it still holds is
 * released then and counted as reclaimed, so that the next operation of the agent can
 * reuse that memory. Close it before the operation's completion handler runs.
 * <p>
 * An operation may take POSMs from several threads at once (its work may be split
 * across tasks that carry it as their context).
 *
 * @author posm
 */
public final class Operation implements AutoCloseable {

	private final Agent agent;

	// the POSMs held now, linked through the POSMs themselves: nothing to allocate
	private @Nullable Posm held;

	// written under this operation's lock, read without it by allocate()
	private volatile boolean closed;

	private volatile boolean failed;

	private volatile @Nullable Runnable whenClosed;

	Operation(Agent agent) {
		this.agent = agent;
	}

	/**
	 * Take a POSM of the given size for this operation.
	 * @param size the size in bytes
	 * @return the POSM, held until released or until this operation completes
	 * @throws IllegalArgumentException if the size is negative
	 * @throws IllegalStateException if this operation has completed
	 */
	public Posm allocate(int size) {
		return this.agent.allocate(this, size);
	}

	/**
	 * Return the agent this operation belongs to.
	 * @return the agent
	 */
	public Agent agent() {
		return this.agent;
	}

	/**
	 * Mark this operation as failed: it is counted in
	 * {@link AgentStats#failedOperations()} when it completes.
	 */
	public void markFailed() {
		this.failed = true;
	}

	/**
	 * Return whether this operation was {@link #markFailed() marked as failed}.
	 * @return {@code true} if it failed
	 */
	public boolean isFailed() {
		return this.failed;
	}

	/**
	 * Run the given action once this operation has completed, after its POSMs were
	 * given back: to observe operations (a span, a timer). One action per operation; a
	 * later call replaces it.
	 * @param action the action
	 */
	public void whenClosed(Runnable action) {
		this.whenClosed = action;
	}

	/**
	 * Return whether this operation has completed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Complete this operation: release every POSM it still holds (counted as
	 * reclaimed). A second call does nothing.
	 */
	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			Posm posm = this.held;
			this.held = null;
			while (posm != null) {
				// read the link first: once reclaimed, the block may be leased again at once
				Posm next = posm.nextInOperation;
				posm.previousInOperation = null;
				posm.nextInOperation = null;
				posm.reclaim();
				posm = next;
			}
		}
		this.agent.ended(this.failed);
		Runnable action = this.whenClosed;
		if (action != null) {
			action.run();
		}
	}

	/**
	 * Whether the given buffer is the memory of a POSM this operation holds now.
	 * @param buffer the buffer to check
	 * @return {@code true} if the buffer belongs to a POSM held by this operation
	 */
	public synchronized boolean holds(ByteBuffer buffer) {
		for (Posm posm = this.held; posm != null; posm = posm.nextInOperation) {
			if (posm.owns(buffer)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Link a freshly leased POSM to this operation.
	 * @return {@code false} if this operation has completed and cannot take it
	 */
	synchronized boolean attach(Posm posm) {
		if (this.closed) {
			return false;
		}
		Posm head = this.held;
		posm.previousInOperation = null;
		posm.nextInOperation = head;
		if (head != null) {
			head.previousInOperation = posm;
		}
		this.held = posm;
		return true;
	}

	/**
	 * A POSM of this operation was released or reclaimed; its block goes on as
	 * {@code reusable}.
	 */
	void returned(Posm posm, Posm reusable, boolean reclaimed) {
		synchronized (this) {
			// once closed, the list was taken apart by close()
			if (!this.closed) {
				unlink(posm);
			}
		}
		this.agent.returned(reusable, reclaimed);
	}

	private void unlink(Posm posm) {
		Posm previous = posm.previousInOperation;
		Posm next = posm.nextInOperation;
		if (previous != null) {
			previous.nextInOperation = next;
		}
		else if (this.held == posm) {
			this.held = next;
		}
		if (next != null) {
			next.previousInOperation = previous;
		}
		posm.previousInOperation = null;
		posm.nextInOperation = null;
	}

	@Override
	public String toString() {
		return "Operation[agent '" + this.agent.name() + "']";
	}

}
