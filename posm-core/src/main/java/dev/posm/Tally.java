package dev.posm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import dev.posm.alloc.Block;
import dev.posm.alloc.ChunkedQuota;
import dev.posm.alloc.LockWord;
import org.jspecify.annotations.Nullable;

/**
 * The counters of one writer: an agent, or one stripe of an allocator's direct takes.
 * Every take and release is counted here exactly once, under this tally's lock word,
 * which its own thread nearly always finds free: nothing on that path is written by
 * another thread. The stats of an allocator and of an agent name are sums over their
 * tallies, made when someone asks.
 *
 * @author posm
 */
final class Tally extends LockWord {

	private static final VarHandle BYTES_IN_USE;

	private static final VarHandle ACTIVE_OPERATIONS;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			BYTES_IN_USE = lookup.findVarHandle(Tally.class, "bytesInUse", long.class);
			ACTIVE_OPERATIONS = lookup.findVarHandle(Tally.class, "activeOperations", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The allocator whose stats include this tally, if posm's own. */
	final @Nullable Ledger ledger;

	/** The agent name whose stats include this tally, if an agent's. */
	final @Nullable AgentGroup group;

	long operations;

	long activeOperations;

	long failedOperations;

	long allocations;

	long fresh;

	long releases;

	long reclaimed;

	long leaks;

	/** Operations dropped without close() and found by the garbage collector. */
	long operationLeaks;

	/** Takes refused by a budget. */
	long refused;

	/** Bytes leased from the agent name's total budget, if it has one. */
	private long budgetLeased;

	/** Written under the lock; read without it (opaque) for the allocator's peak. */
	private long bytesInUse;

	long peakBytesInUse;

	long cachedBytes;

	/**
	 * The shelf of the agent that counts here, so that a trim can reach it; weak, so that
	 * a leak probe, which knows this tally, keeps no block alive through it.
	 */
	@Nullable WeakReference<Shelf> shelf;

	/** An opened agent that was closed: its tally retires once nothing is held. */
	boolean closed;

	@SuppressWarnings("unused")
	private long q1, q2, q3, q4, q5, q6, q7;

	Tally(@Nullable Ledger ledger, @Nullable AgentGroup group) {
		this.ledger = ledger;
		this.group = group;
	}

	/**
	 * Count a POSM taken. Under the lock.
	 * @return whether this tally's peak rose, so that the allocator's may have too
	 */
	boolean leased(int capacity, boolean fresh) {
		this.allocations++;
		if (fresh) {
			this.fresh++;
		}
		long bytes = this.bytesInUse + capacity;
		this.bytesInUse = bytes;
		if (bytes > this.peakBytesInUse) {
			this.peakBytesInUse = bytes;
			return true;
		}
		return false;
	}

	/**
	 * Count a POSM given back by its holder ({@code reclaimed} false) or taken back by
	 * posm. Under the lock.
	 * @return whether this tally may retire now
	 */
	boolean returned(int capacity, boolean reclaimed) {
		if (reclaimed) {
			this.reclaimed++;
		}
		else {
			this.releases++;
		}
		this.bytesInUse -= capacity;
		ChunkedQuota total = (this.group != null) ? this.group.totalBudget : null;
		if (total != null) {
			long excess = this.budgetLeased - this.bytesInUse - 2 * total.chunk();
			if (excess > 0) {
				// keep one chunk of room, give back the rest
				this.budgetLeased -= excess + total.chunk();
				total.giveBack(excess + total.chunk());
			}
		}
		return isIdleAndClosed();
	}

	/** What {@link #admit} returns when a take fits every budget. */
	static final int ADMITTED = 0;

	/** What {@link #admit} returns when a take would exceed {@code max-bytes-in-use}. */
	static final int OVER_AGENT_BUDGET = 1;

	/** What {@link #admit} returns when a take would exceed {@code max-total-bytes-in-use}. */
	static final int OVER_TOTAL_BUDGET = 2;

	/**
	 * See whether a block of the given capacity may be taken within the agent's budget and
	 * the name's total budget, leasing from the latter what is needed; count a refusal.
	 * Under the lock.
	 * @return {@link #ADMITTED} or which budget refused it
	 */
	int admit(int capacity, long maxBytesInUse) {
		long after = this.bytesInUse + capacity;
		if (maxBytesInUse > 0 && after > maxBytesInUse) {
			this.refused++;
			return OVER_AGENT_BUDGET;
		}
		ChunkedQuota total = (this.group != null) ? this.group.totalBudget : null;
		if (total != null && after > this.budgetLeased) {
			long granted = total.lease(after - this.budgetLeased);
			if (granted == 0) {
				this.refused++;
				return OVER_TOTAL_BUDGET;
			}
			this.budgetLeased += granted;
		}
		return ADMITTED;
	}

	/**
	 * Give back everything leased from the total budget: the tally retires. Under the
	 * lock.
	 */
	void releaseBudget() {
		ChunkedQuota total = (this.group != null) ? this.group.totalBudget : null;
		if (total != null) {
			total.giveBack(this.budgetLeased);
			this.budgetLeased = 0;
		}
	}

	/**
	 * Count a POSM dropped without release and found by the garbage collector. Under the
	 * lock.
	 * @return whether this tally may retire now
	 */
	boolean leaked(int capacity) {
		this.leaks++;
		return returned(capacity, true);
	}

	void begun() {
		this.operations++;
		this.activeOperations++;
	}

	/**
	 * Count an operation completed. Under the lock.
	 * @return whether this tally may retire now
	 */
	boolean ended(boolean failed) {
		this.activeOperations--;
		if (failed) {
			this.failedOperations++;
		}
		return isIdleAndClosed();
	}

	boolean isIdleAndClosed() {
		return this.closed && this.activeOperations == 0 && this.bytesInUse == 0;
	}

	/**
	 * Return the bytes held now, read without the lock.
	 */
	long bytesInUse() {
		return (long) BYTES_IN_USE.getOpaque(this);
	}

	/**
	 * Return the operations begun and not yet completed, read without the lock.
	 */
	long activeOperations() {
		return (long) ACTIVE_OPERATIONS.getOpaque(this);
	}

	/**
	 * Add this tally's counts to the given sum; the peak is the higher of the two.
	 * Under this tally's lock, or with this tally no longer written.
	 */
	void addTo(Tally sum) {
		sum.operations += this.operations;
		sum.activeOperations += this.activeOperations;
		sum.failedOperations += this.failedOperations;
		sum.allocations += this.allocations;
		sum.fresh += this.fresh;
		sum.releases += this.releases;
		sum.reclaimed += this.reclaimed;
		sum.leaks += this.leaks;
		sum.operationLeaks += this.operationLeaks;
		sum.refused += this.refused;
		sum.bytesInUse += this.bytesInUse;
		sum.cachedBytes += this.cachedBytes;
		sum.peakBytesInUse = Math.max(sum.peakBytesInUse, this.peakBytesInUse);
	}

	/**
	 * Add this tally's counts to the given sum under this tally's lock.
	 */
	void addLockedTo(Tally sum) {
		lock();
		try {
			addTo(sum);
		}
		finally {
			unlock();
		}
	}

	/**
	 * Take this tally out of the live sums: its counts join the totals of its allocator
	 * and agent name. Called once, when nothing can be counted here any more.
	 */
	void retire() {
		if (this.ledger != null) {
			this.ledger.retire(this);
		}
		if (this.group != null) {
			this.group.retire(this);
		}
	}

	/**
	 * Take every block off this agent's shelf, for a trim.
	 */
	List<Block> clearShelf() {
		List<Block> blocks = new ArrayList<>();
		Shelf shelf = (this.shelf != null) ? this.shelf.get() : null;
		if (shelf == null) {
			return blocks;
		}
		lock();
		try {
			for (Block block = shelf.poll(); block != null; block = shelf.poll()) {
				blocks.add(block);
			}
		}
		finally {
			unlock();
		}
		return blocks;
	}

	AllocatorStats allocatorStats(long peakBytesInUse, long retainedBytes) {
		return new AllocatorStats(this.allocations, this.allocations - this.fresh, this.fresh, this.releases,
				this.reclaimed, bytesInUse(), peakBytesInUse, retainedBytes);
	}

	AgentStats agentStats() {
		return new AgentStats(this.operations, this.activeOperations, this.failedOperations, this.allocations,
				this.allocations - this.fresh, this.reclaimed, bytesInUse(), this.peakBytesInUse, this.refused);
	}

}
