package dev.posm;

import java.nio.ByteBuffer;

/**
 * One asynchronous operation of an {@link Agent}: the owner of the POSMs it takes.
 * {@link #close() Closing} the operation is its completion: every POSM it still holds is
 * released then and counted as reclaimed, so that the next operation of the agent can
 * reuse that memory. Close it before the operation's completion handler runs.
 * <p>
 * An operation may take POSMs from several threads at once (its work may be split
 * across tasks that carry it as their context). Once closed, this object stays closed:
 * the agent's next operation is another {@code Operation}, and nothing done through this
 * one reaches it, unless the code that owns this handle hands it to
 * {@link Agent#restart(Operation)} for its next operation.
 *
 * @author posm
 */
public final class Operation implements AutoCloseable {

	// set again only by Agent.restart, on a handle its owner keeps to itself
	private OperationState state;

	private long stamp;

	// the outcome stays readable here once the state serves the agent's next operation
	private boolean failed;

	Operation(OperationState state, long stamp) {
		this.state = state;
		this.stamp = stamp;
	}

	/**
	 * Make this handle the handle of another operation, see {@link Agent#restart}.
	 */
	void restart(OperationState state, long stamp) {
		this.state = state;
		this.stamp = stamp;
		this.failed = false;
	}

	/**
	 * Take a POSM of the given size for this operation.
	 * @param size the size in bytes
	 * @return the POSM, held until released or until this operation completes
	 * @throws IllegalArgumentException if the size is negative
	 * @throws IllegalStateException if this operation has completed
	 */
	public Posm allocate(int size) {
		return this.state.agent.allocate(this.state, this.stamp, size);
	}

	/**
	 * Return the agent this operation belongs to.
	 * @return the agent
	 */
	public Agent agent() {
		return this.state.agent;
	}

	/**
	 * Mark this operation as failed: it is counted in
	 * {@link AgentStats#failedOperations()} when it completes.
	 */
	public void markFailed() {
		this.failed = true;
		this.state.markFailed(this.stamp);
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
		this.state.whenClosed(this.stamp, action);
	}

	/**
	 * Return whether this operation has completed.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		return this.state.isClosed(this.stamp);
	}

	/**
	 * Whether this handle still stands for the operation it stood for when it had the
	 * given stamp, and that operation runs: false once it completed, or once the handle
	 * was {@link Agent#restart restarted}. Read without the agent's lock.
	 */
	boolean isRunning(long stamp) {
		return this.stamp == stamp && !this.state.isClosed(stamp);
	}

	long stamp() {
		return this.stamp;
	}

	/**
	 * Complete this operation: release every POSM it still holds (counted as
	 * reclaimed). A second call does nothing.
	 */
	@Override
	public void close() {
		this.state.close(this.stamp);
	}

	/**
	 * Whether the given buffer is the memory of a POSM this operation holds now.
	 * @param buffer the buffer to check
	 * @return {@code true} if the buffer belongs to a POSM held by this operation
	 */
	public boolean holds(ByteBuffer buffer) {
		return this.state.holds(this.stamp, buffer);
	}

	@Override
	public String toString() {
		return "Operation[agent '" + this.state.agent.name() + "']";
	}

}
