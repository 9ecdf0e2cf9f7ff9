package dev.posm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The accounts of every agent of one name: the tallies of the live ones (the shared
 * agent and the opened ones) and the totals of those that closed. It holds no agent and
 * no memory, so a leak probe that refers to it keeps nothing alive.
 *
 * @author posm
 */
final class AgentGroup {

	private final Set<Tally> live = ConcurrentHashMap.newKeySet();

	/** The counts of retired tallies: guarded by this group. */
	private final Tally retired = new Tally(null, null);

	private final AtomicInteger open = new AtomicInteger();

	void register(Tally agent) {
		this.live.add(agent);
	}

	synchronized void retire(Tally agent) {
		agent.addLockedTo(this.retired);
		this.live.remove(agent);
	}

	synchronized AgentStats stats() {
		return sum().agentStats();
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
