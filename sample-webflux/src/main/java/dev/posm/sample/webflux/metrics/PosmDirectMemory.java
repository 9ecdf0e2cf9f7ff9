package dev.posm.sample.webflux.metrics;

import java.util.function.LongSupplier;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.PosmAllocator;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The direct memory posm keeps, as posm counts it: for every direct allocator, what its
 * holders hold and what it retains for reuse, and the blocks the agents bound to it keep
 * in their caches. On Java 25 posm's direct blocks are arenas, which the JDK's direct
 * buffer pool does not count: this is then the only count of them.
 *
 * @author posm
 */
class PosmDirectMemory implements LongSupplier {

	private final ObjectProvider<PosmAllocator> allocators;

	private final ObjectProvider<Agents> agents;

	PosmDirectMemory(ObjectProvider<PosmAllocator> allocators, ObjectProvider<Agents> agents) {
		this.allocators = allocators;
		this.agents = agents;
	}

	@Override
	public long getAsLong() {
		long bytes = 0;
		for (PosmAllocator allocator : this.allocators) {
			if (allocator.isDirect()) {
				AllocatorStats stats = allocator.stats();
				bytes += stats.bytesInUse() + stats.retainedBytes();
			}
		}
		Agents agents = this.agents.getIfAvailable();
		if (agents != null) {
			for (Agent agent : agents.all()) {
				if (agent.allocator().isDirect()) {
					bytes += agents.cachedBytes(agent.name());
				}
			}
		}
		return bytes;
	}

}
