package dev.posm.nio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.AllocatorStats;
import dev.posm.PosmAllocator;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watches the memory of an allocator and, if any, of an agent's name: {@link #check()}
 * is called where the caller's future or handler runs, and records what was still held
 * there, to be asserted on the test's thread.
 *
 * @author posm
 */
final class HeldMemory {

	private final PosmAllocator allocator;

	private final @Nullable Agent agent;

	private final AtomicInteger checks = new AtomicInteger();

	private final List<String> held = new CopyOnWriteArrayList<>();

	HeldMemory(PosmAllocator allocator, @Nullable Agent agent) {
		this.allocator = allocator;
		this.agent = agent;
	}

	/**
	 * Record what is held now: nothing, if the call's POSMs were released before its
	 * caller heard of the outcome.
	 */
	void check() {
		this.checks.incrementAndGet();
		AllocatorStats allocator = this.allocator.stats();
		if (allocator.bytesInUse() != 0 || allocator.held() != 0) {
			this.held.add(Thread.currentThread().getName() + ": allocator " + allocator);
		}
		if (this.agent != null) {
			AgentStats agent = this.agent.stats();
			if (agent.bytesInUse() != 0) {
				this.held.add(Thread.currentThread().getName() + ": agent " + agent);
			}
		}
	}

	/**
	 * Assert that every check found nothing held, that there were at least
	 * {@code expectedChecks}, and that nothing is held now, every POSM released by its
	 * holder rather than reclaimed.
	 */
	void assertReleasedAtEveryCompletion(int expectedChecks) {
		assertThat(this.checks.get()).as("completions checked").isGreaterThanOrEqualTo(expectedChecks);
		assertThat(this.held).as("memory held when the caller completed").isEmpty();
		assertBalanced();
	}

	void assertBalanced() {
		AllocatorStats allocator = this.allocator.stats();
		assertThat(allocator.bytesInUse()).as("allocator bytes in use").isZero();
		assertThat(allocator.reclaimed()).as("allocator reclaimed").isZero();
		assertThat(allocator.allocations()).as("allocations = releases + reclaimed")
			.isEqualTo(allocator.releases() + allocator.reclaimed());
		if (this.agent != null) {
			AgentStats agent = this.agent.stats();
			assertThat(agent.bytesInUse()).as("agent bytes in use").isZero();
			assertThat(agent.reclaimed()).as("agent reclaimed").isZero();
			assertThat(agent.activeOperations()).as("agent active operations").isZero();
		}
	}

}
