package dev.posm.autoconfigure.actuate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.PosmAllocator;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code posm} endpoint: every allocator and agent with its live numbers
 * ({@code GET}), one of them by name ({@code GET /{name}}, or
 * {@code GET /allocators/{name}} and {@code GET /agents/{name}} where an allocator and
 * an agent share a name), and a trim of every allocator ({@code POST}, only where the
 * endpoint's access is unrestricted).
 *
 * @author posm
 */
@Endpoint(id = "posm", defaultAccess = Access.READ_ONLY)
public class PosmEndpoint {

	private static final String ALLOCATORS = "allocators";

	private static final String AGENTS = "agents";

	private final Agents agents;

	private final List<PosmAllocator> allocators;

	/**
	 * Create an endpoint for the given agents and allocators. Allocators that agents
	 * use without being in the given collection are shown too.
	 * @param agents the agents of the application
	 * @param allocators the allocators of the application
	 */
	public PosmEndpoint(Agents agents, Collection<PosmAllocator> allocators) {
		this.agents = agents;
		this.allocators = List.copyOf(allocators);
	}

	/**
	 * Describe every allocator and every agent name used so far.
	 * @return the allocators and agents, each sorted by name
	 */
	@ReadOperation
	public PosmDescriptor posm() {
		Map<String, AllocatorDescriptor> allocators = new TreeMap<>();
		knownAllocators().forEach((name, allocator) -> allocators.put(name, AllocatorDescriptor.of(allocator)));
		Map<String, AgentDescriptor> agents = new TreeMap<>();
		for (Agent agent : this.agents.all()) {
			agents.put(agent.name(), AgentDescriptor.of(agent, this.agents));
		}
		return new PosmDescriptor(allocators, agents);
	}

	/**
	 * Describe the allocator of the given name, else the agent of that name.
	 * @param name the name of an allocator or an agent
	 * @return the description, or {@code null} (a 404) if nothing has that name
	 */
	@ReadOperation
	public @Nullable OperationResponseBody allocatorOrAgent(@Selector String name) {
		AllocatorDescriptor allocator = allocator(name);
		return (allocator != null) ? allocator : agent(name);
	}

	/**
	 * Describe the allocator or the agent of the given name.
	 * @param kind {@code allocators} or {@code agents}
	 * @param name the name of the allocator or agent
	 * @return the description, or {@code null} (a 404) if nothing of that kind has that
	 * name
	 */
	@ReadOperation
	public @Nullable OperationResponseBody allocatorOrAgentOfKind(@Selector String kind, @Selector String name) {
		return switch (kind) {
			case ALLOCATORS -> allocator(name);
			case AGENTS -> agent(name);
			default -> throw new InvalidEndpointRequestException(
					"Unknown kind '" + kind + "' in /posm/{kind}/{name}: use 'allocators' or 'agents'",
					"Unknown kind '" + kind + "'");
		};
	}

	/**
	 * Give back the memory every allocator keeps for reuse, and the blocks the agents
	 * bound to it keep for their next operations.
	 * @return the bytes each allocator and its agents kept before and after the trim
	 */
	@WriteOperation
	public TrimDescriptor trim() {
		Map<String, TrimmedAllocator> trimmed = new TreeMap<>();
		long total = 0;
		for (PosmAllocator allocator : knownAllocators().values()) {
			long before = allocator.stats().retainedBytes();
			long cachedBefore = cachedBytesOfAgents(allocator);
			allocator.trim();
			long after = allocator.stats().retainedBytes();
			long cachedAfter = cachedBytesOfAgents(allocator);
			// blocks released while we trim may be kept again at once: never report less than nothing
			long given = Math.max(0, before + cachedBefore - after - cachedAfter);
			trimmed.put(allocator.name(), new TrimmedAllocator(before, after, cachedBefore, cachedAfter, given));
			total += given;
		}
		return new TrimDescriptor(trimmed, total);
	}

	private long cachedBytesOfAgents(PosmAllocator allocator) {
		long bytes = 0;
		for (Agent agent : this.agents.all()) {
			if (agent.allocator() == allocator) {
				bytes += this.agents.cachedBytes(agent.name());
			}
		}
		return bytes;
	}

	private @Nullable AllocatorDescriptor allocator(String name) {
		PosmAllocator allocator = knownAllocators().get(name);
		return (allocator != null) ? AllocatorDescriptor.of(allocator) : null;
	}

	private @Nullable AgentDescriptor agent(String name) {
		return this.agents.find(name)
			.map((agent) -> AgentDescriptor.of(agent, this.agents))
			.orElse(null);
	}

	/**
	 * The allocators by name: the beans first, then any other that an agent uses.
	 */
	private Map<String, PosmAllocator> knownAllocators() {
		Map<String, PosmAllocator> known = new LinkedHashMap<>();
		for (PosmAllocator allocator : this.allocators) {
			known.putIfAbsent(allocator.name(), allocator);
		}
		known.putIfAbsent(this.agents.defaultAllocator().name(), this.agents.defaultAllocator());
		for (Agent agent : this.agents.all()) {
			known.putIfAbsent(agent.allocator().name(), agent.allocator());
		}
		return known;
	}

	/**
	 * Every allocator and agent of the application.
	 *
	 * @param allocators the allocators by name
	 * @param agents the agents by name
	 */
	public record PosmDescriptor(Map<String, AllocatorDescriptor> allocators,
			Map<String, AgentDescriptor> agents) implements OperationResponseBody {

	}

	/**
	 * One allocator: its strategy, its counters and what it tells about itself.
	 *
	 * @param type the strategy, as written in configuration
	 * @param direct whether it hands out direct buffers
	 * @param allocations POSMs handed out
	 * @param recycled POSMs served by reuse
	 * @param fresh POSMs served by new memory
	 * @param releases POSMs released by their holder
	 * @param reclaimed POSMs posm took back from a holder that did not release them
	 * @param bytesInUse bytes held by POSM holders now
	 * @param peakBytesInUse the highest {@code bytesInUse} seen
	 * @param retainedBytes bytes kept for reuse
	 * @param held POSMs held now
	 * @param recycledRatio the share of allocations served by reuse, 0 to 1
	 * @param leaks POSMs dropped without release and found by the garbage collector
	 * @param details limits, size classes, caches and leak-detection level
	 */
	public record AllocatorDescriptor(String type, boolean direct, long allocations, long recycled, long fresh,
			long releases, long reclaimed, long bytesInUse, long peakBytesInUse, long retainedBytes, long held,
			double recycledRatio, long leaks, Map<String, Object> details) implements OperationResponseBody {

		static AllocatorDescriptor of(PosmAllocator allocator) {
			AllocatorStats stats = allocator.stats();
			return new AllocatorDescriptor(allocator.type(), allocator.isDirect(), stats.allocations(),
					stats.recycled(), stats.fresh(), stats.releases(), stats.reclaimed(), stats.bytesInUse(),
					stats.peakBytesInUse(), stats.retainedBytes(), stats.held(), stats.recycledRatio(),
					allocator.leaks(), allocator.describe());
		}

	}

	/**
	 * The agents of one name: the shared one and every one opened under that name.
	 *
	 * @param allocator the name of the allocator they take from
	 * @param operations operations begun
	 * @param activeOperations operations not yet completed
	 * @param failedOperations operations that completed with an error or were cancelled
	 * @param allocations POSMs taken
	 * @param recycled POSMs served by reuse
	 * @param reclaimed POSMs an operation did not release and posm took back
	 * @param bytesInUse bytes held by the operations now
	 * @param peakBytesInUse the highest {@code bytesInUse} seen
	 * @param cachedBytes bytes the agents of the name (shared and opened) keep for their next
	 * operations
	 * @param openAgents agents opened under this name and not yet closed
	 */
	public record AgentDescriptor(String allocator, long operations, long activeOperations, long failedOperations,
			long allocations, long recycled, long reclaimed, long bytesInUse, long peakBytesInUse, long cachedBytes,
			int openAgents) implements OperationResponseBody {

		static AgentDescriptor of(Agent agent, Agents agents) {
			AgentStats stats = agent.stats();
			return new AgentDescriptor(agent.allocator().name(), stats.operations(), stats.activeOperations(),
					stats.failedOperations(), stats.allocations(), stats.recycled(), stats.reclaimed(),
					stats.bytesInUse(), stats.peakBytesInUse(), agents.cachedBytes(agent.name()),
					agents.openCount(agent.name()));
		}

	}

	/**
	 * What a trim gave back.
	 *
	 * @param allocators each allocator's retained bytes before and after
	 * @param trimmedBytes the bytes given back in all
	 */
	public record TrimDescriptor(Map<String, TrimmedAllocator> allocators,
			long trimmedBytes) implements OperationResponseBody {

	}

	/**
	 * What a trim gave back from one allocator.
	 *
	 * @param retainedBytesBefore bytes the allocator kept for reuse before the trim
	 * @param retainedBytesAfter bytes the allocator kept for reuse after the trim
	 * @param agentCachedBytesBefore bytes its agents kept for their next operations before
	 * the trim
	 * @param agentCachedBytesAfter bytes its agents kept after the trim
	 * @param trimmedBytes bytes given back
	 */
	public record TrimmedAllocator(long retainedBytesBefore, long retainedBytesAfter, long agentCachedBytesBefore,
			long agentCachedBytesAfter, long trimmedBytes) {

	}

}
