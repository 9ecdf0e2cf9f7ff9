package dev.posm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.posm.alloc.ChunkedQuota;
import org.jspecify.annotations.Nullable;

/**
 * The accounts of every agent of one name: the tallies of the live ones (the shared
 * agent and the opened ones) and the totals of those that closed. It holds no agent and
 * no memory, so a leak probe that refers to it keeps nothing alive.
 *
 * @author posm
 */
final class AgentGroup {

	/** The agents' name: what a leak report of their memory names. */
	final String name;

	private final Set<Tally> live = ConcurrentHashMap.newKeySet();

	/** The counts of retired tallies: guarded by this group. */
	private final Tally retired = new Tally(null, null);

	private final AtomicInteger open = new AtomicInteger();

	/** Whether a take that most likely lost an operation of this name was logged. */
	private final AtomicBoolean lostOperationLogged = new AtomicBoolean();

	/** The name's {@code max-total-bytes-in-use}, leased to its agents in chunks; or none. */
	final @Nullable ChunkedQuota totalBudget;

	AgentGroup(String name, long maxTotalBytesInUse) {
		this.name = name;
		// a lease of at most 64 KiB, and at most 1/64 of the budget: what the agents may
		// hold leased but unused is small beside the budget
		this.totalBudget = (maxTotalBytesInUse > 0)
				? new ChunkedQuota(maxTotalBytesInUse, Math.min(64 * 1024, maxTotalBytesInUse / 64)) : null;
	}

	/**
	 * Whether an agent of the name has an operation running now, read without their
	 * locks: nothing the agents write is touched.
	 */
	boolean hasActiveOperations() {
		for (Tally agent : this.live) {
			if (agent.activeOperations() > 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a lost operation of this name was logged already.
	 */
	boolean lostOperationLogged() {
		return this.lostOperationLogged.get();
	}

	/**
	 * Claim the one log line of a lost operation of this name.
	 * @return whether the caller is the first to claim it
	 */
	boolean claimLostOperationLog() {
		return this.lostOperationLogged.compareAndSet(false, true);
	}

	/**
	 * Return the bytes every agent of the name holds now, read without their locks.
	 */
	long bytesInUse() {
		long bytes = 0;
		for (Tally agent : this.live) {
			bytes += agent.bytesInUse();
		}
		return bytes;
	}

	void register(Tally agent) {
		this.live.add(agent);
	}

	synchronized void retire(Tally agent) {
		agent.lock();
		try {
			agent.releaseBudget();
			agent.addTo(this.retired);
		}
		finally {
			agent.unlock();
		}
		this.live.remove(agent);
	}

	synchronized AgentStats stats() {
		return sum().agentStats();
	}

	synchronized long operationLeaks() {
		return sum().operationLeaks;
	}

	synchronized long leaks() {
		return sum().leaks;
	}

	synchronized long cachedBytes() {
		return sum().cachedBytes;
	}

	private Tally sum() {
		Tally sum = new Tally(null, null);
		this.retired.addTo(sum);
		for (Tally agent : this.live) {
			agent.addLockedTo(sum);
		}
		return sum;
	}

	void opened() {
		this.open.incrementAndGet();
	}

	void closed() {
		this.open.decrementAndGet();
	}

	int openCount() {
		return this.open.get();
	}

}
