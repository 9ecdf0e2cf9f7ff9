package dev.posm;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for counting where the writer is: opened agents' tallies summed into their
 * name, stale operation handles, the allocator's peak and its stated bound.
 *
 * @author posm
 */
class TallyAccountingTests {

	private final PosmAllocator allocator = Allocators.pooled("tallies").build();

	private final Agents agents = new Agents(this.allocator);

	@AfterEach
	void closeAllocator() {
		this.allocator.close();
	}

	@Test
	void theCachedBytesOfANameIncludeEveryOpenedAgent() {
		Agent first = this.agents.open("connection");
		Agent second = this.agents.open("connection");
		try (Operation operation = first.begin()) {
			operation.allocate(4096).release();
		}
		try (Operation operation = second.begin()) {
			operation.allocate(1000).release();
		}
		assertThat(first.cachedBytes()).isEqualTo(4096);
		assertThat(this.agents.cachedBytes("connection")).isEqualTo(4096 + 1024);
		first.close();
		assertThat(this.agents.cachedBytes("connection")).isEqualTo(1024);
		second.close();
		assertThat(this.agents.cachedBytes("connection")).isZero();
		assertThat(this.agents.cachedBytes("never-used")).isZero();
		// the closed agents' counts stay with their name
		assertThat(this.agents.agent("connection").stats())
			.isEqualTo(new AgentStats(2, 0, 0, 2, 0, 0, 0, 4096));
	}

	@Test
	void aTrimReachesTheCachesOfAgentsAndLeavesThemUsable() {
		Agent opened = this.agents.open("idle");
		Agent shared = this.agents.agent("idle");
		for (Agent agent : List.of(opened, shared)) {
			try (Operation operation = agent.begin()) {
				operation.allocate(4096).release();
			}
		}
		assertThat(this.agents.cachedBytes("idle")).isEqualTo(2 * 4096);
		assertThat(this.allocator.stats().retainedBytes()).isZero();
		this.allocator.trim();
		assertThat(this.agents.cachedBytes("idle")).isZero();
		assertThat(this.allocator.stats().retainedBytes()).isZero();
		try (Operation operation = opened.begin()) {
			operation.allocate(4096).release();
		}
		assertThat(opened.cachedBytes()).isEqualTo(4096);
		assertThat(this.allocator.stats().fresh()).isEqualTo(3);
		opened.close();
	}

	@Test
	void aStaleOperationHandleNeverReachesTheNextOperation() {
		Agent agent = this.agents.open("stale");
		Operation first = agent.begin();
		first.allocate(100).release();
		first.markFailed();
		first.close();
		// the agent reuses what the first operation used: the handle is a new one
		Operation second = agent.begin();
		assertThat(second).isNotSameAs(first);
		Posm posm = second.allocate(100);
		first.close();
		first.markFailed();
		first.whenClosed(() -> {
			throw new AssertionError("a stale handle set the action of the next operation");
		});
		assertThatIllegalStateException().isThrownBy(() -> first.allocate(100)).withMessageContaining("has completed");
		assertThat(first.isClosed()).isTrue();
		assertThat(first.isFailed()).isTrue();
		assertThat(first.holds(posm.buffer())).isFalse();
		assertThat(second.isClosed()).isFalse();
		assertThat(second.isFailed()).isFalse();
		assertThat(second.holds(posm.buffer())).isTrue();
		second.close();
		assertThat(agent.stats()).isEqualTo(new AgentStats(2, 0, 1, 2, 1, 1, 0, 128));
		agent.close();
	}

	@Test
	void everyLeaseStartsBigEndianAtPositionZeroWithTheLimitOfItsSize() {
		Posm first = this.allocator.allocate(4096);
		first.buffer().order(ByteOrder.LITTLE_ENDIAN).position(10).limit(20);
		first.release();
		Posm second = this.allocator.allocate(4000);
		assertThat(second.buffer().order()).isEqualTo(ByteOrder.BIG_ENDIAN);
		assertThat(second.buffer().position()).isZero();
		assertThat(second.buffer().limit()).isEqualTo(4000);
		second.release();
	}

	@Test
	void memoryHeldWhenItsAgentClosesStaysCountedUntilReleased() {
		Agent agent = this.agents.open("held-at-close");
		Posm outside = agent.allocate(2048);
		try (Operation operation = agent.begin()) {
			operation.allocate(100).release();
		}
		agent.close();
		assertThat(this.agents.openCount("held-at-close")).isZero();
		assertThat(agent.stats().bytesInUse()).isEqualTo(2048);
		assertThat(this.allocator.stats().bytesInUse()).isEqualTo(2048);
		assertThatIllegalStateException().isThrownBy(() -> agent.allocate(10)).withMessageContaining("was closed");
		outside.release();
		assertThat(agent.stats()).isEqualTo(new AgentStats(1, 0, 0, 2, 0, 0, 0, 2048 + 128));
		AllocatorStats stats = this.allocator.stats();
		assertThat(stats.bytesInUse()).isZero();
		// the block released after the close went to the allocator, not to the closed agent
		assertThat(stats.retainedBytes()).isEqualTo(2048 + 128);
	}

	@Test
	void aPosmTakenFromAnAgentOutsideAnyOperationIsNotReclaimedByOne() {
		Agent agent = this.agents.agent("outside");
		Posm outside = agent.allocate(100);
		try (Operation operation = agent.begin()) {
			operation.allocate(100);
		}
		assertThat(outside.buffer().limit()).isEqualTo(100);
		outside.release();
		assertThat(agent.stats()).isEqualTo(new AgentStats(1, 0, 0, 2, 0, 1, 0, 256));
	}

	@Test
	void theAllocatorPeakIsExactOnOneThreadWhenOneTallyHoldsAtATime() {
		Agent first = this.agents.open("serial");
		try (Operation operation = first.begin()) {
			operation.allocate(64 * 1024).release();
		}
		first.close();
		this.allocator.allocate(4096).release();
		Agent second = this.agents.open("serial");
		try (Operation operation = second.begin()) {
			operation.allocate(1024).release();
			operation.allocate(1024).release();
		}
		second.close();
		assertThat(this.allocator.stats().peakBytesInUse()).isEqualTo(64 * 1024);
	}

	@Test
	void theAllocatorPeakUnderConcurrencyStaysWithinItsStatedBound() throws Exception {
		int threads = 4;
		int blocks = 3;
		int size = 8192;
		CountDownLatch start = new CountDownLatch(1);
		AtomicLong highestSeen = new AtomicLong();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Agent agent = this.agents.open("bounded");
			workers.add(new Thread(() -> {
				await(start);
				for (int i = 0; i < 2_000; i++) {
					try (Operation operation = agent.begin()) {
						for (int k = 0; k < blocks; k++) {
							operation.allocate(size);
						}
						highestSeen.accumulateAndGet(this.allocator.stats().bytesInUse(), Math::max);
					}
				}
				agent.close();
			}));
		}
		workers.forEach(Thread::start);
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		AllocatorStats stats = this.allocator.stats();
		assertThat(stats.bytesInUse()).isZero();
		// at least the highest peak of one agent and every bytesInUse read, at most the sum of the agents' peaks
		assertThat(stats.peakBytesInUse()).isGreaterThanOrEqualTo((long) blocks * size)
			.isGreaterThanOrEqualTo(highestSeen.get())
			.isLessThanOrEqualTo((long) threads * blocks * size);
		assertThat(this.agents.agent("bounded").stats().peakBytesInUse()).isEqualTo((long) blocks * size);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
