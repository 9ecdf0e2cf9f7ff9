package dev.posm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.posm.alloc.Block;
import org.jspecify.annotations.Nullable;

/**
 * What one operation of an agent holds and how it ends, reused by the agent's next
 * operations: an {@link Operation} is only a handle on it, stamped with the operation it
 * was issued for, so a stale handle can never reach a later operation. Everything here
 * is guarded by the agent's tally lock; the stamp is also read without it.
 *
 * @author posm
 */
final class OperationState {

	private static final VarHandle STAMP;

	static {
		try {
			STAMP = MethodHandles.lookup().findVarHandle(OperationState.class, "stamp", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The stamp's low bit: the operation of the stamp has completed. */
	private static final long CLOSED = 1;

	final Agent agent;

	final Tally tally;

	/**
	 * The operation's number times two, plus {@link #CLOSED} once it completed. Written
	 * under the lock; read without it only through {@link #isClosed(long)}.
	 */
	private long stamp = CLOSED;

	private boolean failed;

	private @Nullable Runnable whenClosed;

	// the POSMs held now, linked through the POSMs themselves: nothing to allocate
	private @Nullable Posm held;

	/** POSMs of an allocator that is not posm's own, held without a link. */
	private @Nullable List<Posm> adopted;

	private long @Nullable [] adoptedSerials;

	/** The next free state of the agent, when this one is free. */
	@Nullable OperationState nextFree;

	private final @Nullable OperationProbe probe;

	OperationState(Agent agent, LeakDetection leakDetection) {
		this.agent = agent;
		this.tally = agent.tally;
		this.probe = OperationProbe.watch(this, this.tally, agent.name(), leakDetection);
	}

	/**
	 * Start the next operation on this free state. Under the lock.
	 */
	void begin() {
		this.failed = false;
		this.whenClosed = null;
		this.stamp = (this.stamp | CLOSED) + 1;
		if (this.probe != null) {
			this.probe.begun();
		}
	}

	/**
	 * Return the stamp of the current operation: read by the one that began it.
	 */
	long stamp() {
		return this.stamp;
	}

	/**
	 * Whether the operation of the given stamp is the current one and still running.
	 * Under the lock.
	 */
	boolean isRunning(long stamp) {
		return this.stamp == stamp;
	}

	/**
	 * Whether the operation of the given stamp has completed, read without the lock.
	 */
	boolean isClosed(long stamp) {
		return (long) STAMP.getOpaque(this) != stamp;
	}

	void link(Posm posm) {
		Posm head = this.held;
		posm.previousInOperation = null;
		posm.nextInOperation = head;
		if (head != null) {
			head.previousInOperation = posm;
		}
		this.held = posm;
	}

	void unlink(Posm posm) {
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

	/**
	 * Hold a POSM of an allocator that is not posm's own: reclaimed by its lease serial.
	 * Under the lock.
	 */
	void adopt(Posm posm) {
		List<Posm> adopted = this.adopted;
		long[] serials = this.adoptedSerials;
		if (adopted == null || serials == null) {
			adopted = new ArrayList<>();
			serials = new long[4];
			this.adopted = adopted;
		}
		if (adopted.size() == serials.length) {
			serials = java.util.Arrays.copyOf(serials, serials.length * 2);
		}
		serials[adopted.size()] = posm.serial;
		this.adoptedSerials = serials;
		adopted.add(posm);
	}

	void markFailed(long stamp) {
		this.tally.lock();
		try {
			if (isRunning(stamp)) {
				this.failed = true;
			}
		}
		finally {
			this.tally.unlock();
		}
	}

	void whenClosed(long stamp, Runnable action) {
		this.tally.lock();
		try {
			if (isRunning(stamp)) {
				this.whenClosed = action;
			}
		}
		finally {
			this.tally.unlock();
		}
	}

	boolean holds(long stamp, ByteBuffer buffer) {
		this.tally.lock();
		try {
			if (!isRunning(stamp)) {
				return false;
			}
			for (Posm posm = this.held; posm != null; posm = posm.nextInOperation) {
				if (posm.owns(buffer)) {
					return true;
				}
			}
			List<Posm> adopted = this.adopted;
			return adopted != null && adopted.stream().anyMatch((posm) -> posm.owns(buffer));
		}
		finally {
			this.tally.unlock();
		}
	}

	/**
	 * Complete the operation of the given stamp: take back what it still holds, count
	 * it, and free this state for the agent's next operation. A stale stamp does nothing.
	 */
	void close(long stamp) {
		Tally tally = this.tally;
		Runnable action;
		boolean retire;
		tally.lock();
		try {
			if (!isRunning(stamp)) {
				return;
			}
			this.stamp = stamp | CLOSED;
			if (this.probe != null) {
				this.probe.ended();
			}
			if (this.held != null) {
				reclaimHeld();
			}
			if (this.adopted != null) {
				settleAdopted();
			}
			action = this.whenClosed;
			this.whenClosed = null;
			retire = tally.ended(this.failed);
			this.agent.free(this);
		}
		finally {
			tally.unlock();
		}
		if (retire) {
			tally.retire();
		}
		if (action != null) {
			action.run();
		}
	}

	/**
	 * Take back every POSM still linked to this operation. Under the lock.
	 */
	private void reclaimHeld() {
		Posm posm = this.held;
		this.held = null;
		while (posm != null) {
			// read the link first: once reclaimed, the block may be leased again at once
			Posm next = posm.nextInOperation;
			posm.previousInOperation = null;
			posm.nextInOperation = null;
			Block block = posm.reclaim();
			if (block != null) {
				// under our lock: the allocator never takes an agent's lock, so this cannot deadlock
				posm.allocator.store.give(block);
			}
			posm = next;
		}
	}

	/**
	 * Take back the adopted POSMs still held, and count for the agent what their holders
	 * released: their allocator counted them, the agent did not see them go. Under the
	 * lock.
	 */
	private void settleAdopted() {
		List<Posm> adopted = this.adopted;
		long[] serials = this.adoptedSerials;
		this.adopted = null;
		this.adoptedSerials = null;
		if (adopted == null || serials == null) {
			return;
		}
		for (int i = 0; i < adopted.size(); i++) {
			Posm posm = adopted.get(i);
			boolean reclaimed = posm.reclaimIfLeased(serials[i]);
			this.tally.returned(posm.capacity, reclaimed);
		}
	}

	@Override
	public String toString() {
		return "Operation[agent '" + this.agent.name() + "']";
	}

}
