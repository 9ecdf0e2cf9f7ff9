package dev.posm.autoconfigure.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.PosmAllocator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of every allocator (tag {@code allocator}) and of every agent name
 * (tag {@code agent}), including the names first used after binding. Every meter reads
 * the live stats: nothing is counted twice, and the values are those of the
 * {@code posm} endpoint.
 * <p>
 * {@code posm.leaks} has both tags: one series per agent name, and {@code agent=none}
 * per allocator for POSMs taken outside any agent (Prometheus wants the same tag keys
 * for every series of a name).
 * <p>
 * {@code posm.agent.operations} counts completed operations only: {@code outcome=error}
 * those that failed or were cancelled, {@code outcome=success} the others. Operations
 * still running are {@code posm.agent.active}.
 *
 * @author posm
 */
public class PosmMetrics implements MeterBinder {

	private static final String ALLOCATOR = "allocator";

	private static final String AGENT = "agent";

	private static final String OUTCOME = "outcome";

	private static final String LEAKS_DESCRIPTION = "POSMs dropped without release and found by the garbage "
			+ "collector, by the agent name that took them";

	/** The {@code agent} of leaks that no agent took: POSMs taken from an allocator directly. */
	private static final String NO_AGENT = "none";

	private final Agents agents;

	private final List<PosmAllocator> allocators;

	// held here because meters keep only weak references to what they read
	private final Map<String, SucceededOperations> succeeded = new ConcurrentHashMap<>();

	private final Map<String, UnattributedLeaks> unattributedLeaks = new ConcurrentHashMap<>();

	/**
	 * Create a binder for the given agents and allocators. Allocators that agents use
	 * without being in the given collection are bound too.
	 * @param agents the agents of the application
	 * @param allocators the allocators of the application
	 */
	public PosmMetrics(Agents agents, Collection<PosmAllocator> allocators) {
		this.agents = agents;
		this.allocators = List.copyOf(allocators);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Set<String> boundAllocators = ConcurrentHashMap.newKeySet();
		for (PosmAllocator allocator : this.allocators) {
			bindAllocator(registry, boundAllocators, allocator);
		}
		bindAllocator(registry, boundAllocators, this.agents.defaultAllocator());
		// called now for every name used so far, later for each new name: one meter set per name
		this.agents.forEachAgent((agent) -> {
			bindAllocator(registry, boundAllocators, agent.allocator());
			bindAgent(registry, agent);
		});
	}

	private void bindAllocator(MeterRegistry registry, Set<String> bound, PosmAllocator allocator) {
		String name = allocator.name();
		if (!bound.add(name)) {
			return;
		}
		FunctionCounter.builder("posm.allocations", allocator, (a) -> a.stats().recycled())
			.description("POSMs handed out by the allocator, by whether reuse or new memory served them")
			.tags(ALLOCATOR, name, OUTCOME, "recycled")
			.register(registry);
		FunctionCounter.builder("posm.allocations", allocator, (a) -> a.stats().fresh())
			.description("POSMs handed out by the allocator, by whether reuse or new memory served them")
			.tags(ALLOCATOR, name, OUTCOME, "fresh")
			.register(registry);
		FunctionCounter.builder("posm.releases", allocator, (a) -> a.stats().releases())
			.description("POSMs released by their holder")
			.tag(ALLOCATOR, name)
			.register(registry);
		FunctionCounter.builder("posm.reclaimed", allocator, (a) -> a.stats().reclaimed())
			.description("POSMs their holder did not release, taken back when the operation completed or found "
					+ "dropped by the garbage collector")
			.tag(ALLOCATOR, name)
			.register(registry);
		UnattributedLeaks unattributed = this.unattributedLeaks.computeIfAbsent(name,
				(key) -> new UnattributedLeaks(allocator, this.agents));
		FunctionCounter.builder("posm.leaks", unattributed, UnattributedLeaks::count)
			.description(LEAKS_DESCRIPTION)
			.tags(ALLOCATOR, name, AGENT, NO_AGENT)
			.register(registry);
		Gauge.builder("posm.memory.used", allocator, (a) -> a.stats().bytesInUse())
			.description("Memory held by POSM holders now (block capacities)")
			.baseUnit(BaseUnits.BYTES)
			.tag(ALLOCATOR, name)
			.register(registry);
		Gauge.builder("posm.memory.peak", allocator, (a) -> a.stats().peakBytesInUse())
			.description("Highest memory held by POSM holders at once")
			.baseUnit(BaseUnits.BYTES)
			.tag(ALLOCATOR, name)
			.register(registry);
		Gauge.builder("posm.memory.retained", allocator, (a) -> a.stats().retainedBytes())
			.description("Memory the allocator keeps for reuse (pool and thread caches), not in use")
			.baseUnit(BaseUnits.BYTES)
			.tag(ALLOCATOR, name)
			.register(registry);
	}

	private void bindAgent(MeterRegistry registry, Agent agent) {
		String name = agent.name();
		FunctionCounter.builder("posm.leaks", this.agents, (agents) -> agents.leaks(name))
			.description(LEAKS_DESCRIPTION)
			.tags(ALLOCATOR, agent.allocator().name(), AGENT, name)
			.register(registry);
		SucceededOperations succeeded = this.succeeded.computeIfAbsent(name, (key) -> new SucceededOperations(agent));
		FunctionCounter.builder("posm.agent.operations", succeeded, SucceededOperations::count)
			.description("Completed operations of the agent, by whether they succeeded or failed")
			.tags(AGENT, name, OUTCOME, "success")
			.register(registry);
		FunctionCounter.builder("posm.agent.operations", agent, (a) -> a.stats().failedOperations())
			.description("Completed operations of the agent, by whether they succeeded or failed")
			.tags(AGENT, name, OUTCOME, "error")
			.register(registry);
		Gauge.builder("posm.agent.active", agent, (a) -> a.stats().activeOperations())
			.description("Operations of the agent begun and not yet completed")
			.tag(AGENT, name)
			.register(registry);
		Gauge.builder("posm.agent.memory.used", agent, (a) -> a.stats().bytesInUse())
			.description("Memory held by the agent's operations now (block capacities)")
			.baseUnit(BaseUnits.BYTES)
			.tag(AGENT, name)
			.register(registry);
		FunctionCounter.builder("posm.agent.refused", agent, (a) -> a.stats().refused())
			.description("Takes of the agents of the name refused by a budget (max-bytes-in-use, "
					+ "max-total-bytes-in-use)")
			.tag(AGENT, name)
			.register(registry);
		Gauge.builder("posm.agent.memory.cached", this.agents, (agents) -> agents.cachedBytes(name))
			.description("Memory of released blocks the agents of the name (shared and opened) keep for their "
					+ "next operations: neither in use nor retained by the allocator")
			.baseUnit(BaseUnits.BYTES)
			.tag(AGENT, name)
			.register(registry);
		Gauge.builder("posm.agent.open", this.agents, (agents) -> agents.openCount(name))
			.description("Agents opened under this name and not yet closed")
			.tag(AGENT, name)
			.register(registry);
	}

	/**
	 * Leaks of an allocator that no agent name accounts for: POSMs taken from it
	 * directly. Read without a lock, as the difference of two counts that only grow: it
	 * may lag behind for a moment, and a counter must not go down, so the highest value
	 * seen is reported.
	 */
	private static final class UnattributedLeaks {

		private final PosmAllocator allocator;

		private final Agents agents;

		private final AtomicLong highest = new AtomicLong();

		UnattributedLeaks(PosmAllocator allocator, Agents agents) {
			this.allocator = allocator;
			this.agents = agents;
		}

		double count() {
			long byAgents = 0;
			for (Agent agent : this.agents.all()) {
				if (agent.allocator() == this.allocator) {
					byAgents += this.agents.leaks(agent.name());
				}
			}
			// the allocator counts every leak its agents count: never below their sum for long
			long all = this.allocator.leaks();
			return this.highest.accumulateAndGet(Math.max(0, all - byAgents), Math::max);
		}

	}

	/**
	 * Operations completed without failure, derived from stats read without a lock: the
	 * difference may lag behind for a moment, never run ahead, and a counter must not go
	 * down, so the highest value seen is reported.
	 */
	private static final class SucceededOperations {

		private final Agent agent;

		private final AtomicLong highest = new AtomicLong();

		SucceededOperations(Agent agent) {
			this.agent = agent;
		}

		double count() {
			AgentStats stats = this.agent.stats();
			long succeeded = stats.operations() - stats.activeOperations() - stats.failedOperations();
			return this.highest.accumulateAndGet(succeeded, Math::max);
		}

	}

}
