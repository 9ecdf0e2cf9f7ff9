package dev.posm;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link Agents}, {@link Agent}, {@link Operation} and {@link Posms}: reuse
 * within an agent, the agent cache, opened agents, reclaiming and the current context.
 *
 * @author posm
 */
class AgentTests {

	private final PosmAllocator allocator = Allocators.pooled("agents").build();

	private final Agents agents = new Agents(this.allocator);

	@AfterEach
	void closeAllocator() {
		this.allocator.close();
	}

	@Test
	void sharedAgentReusesItsMemoryOperationAfterOperation() {
		Agent agent = this.agents.agent("relay");
		assertThat(this.agents.agent("relay")).isSameAs(agent);
		assertThat(agent.isShared()).isTrue();
		for (int i = 0; i < 100; i++) {
			try (Operation operation = agent.begin()) {
				Posm header = operation.allocate(100);
				Posm body = operation.allocate(4000);
				BlockPattern.write(body.buffer(), i);
				body.release();
				header.release();
			}
		}
		// warmed up by the first operation, then no fresh memory at all
		assertThat(agent.stats()).isEqualTo(new AgentStats(100, 0, 0, 200, 198, 0, 0, 128 + 4096));
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(200, 198, 2, 200, 0, 0, 128 + 4096, 0));
		assertThat(agent.cachedBytes()).isEqualTo(128 + 4096);
	}

	@Test
	void cacheBlocksIsHonoured() {
		Agents agents = Agents.builder(this.allocator).defaultCacheBlocks(1).cacheBlocks("none", 0)
			.cacheBlocks("three", 3)
			.build();
		assertThat(cachedAfterReleasing(agents.agent("none"), 4)).isZero();
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(4 * 4096);
		this.allocator.trim();
		assertThat(cachedAfterReleasing(agents.agent("three"), 4)).isEqualTo(3 * 4096);
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(4096);
		this.allocator.trim();
		assertThat(cachedAfterReleasing(agents.agent("default"), 4)).isEqualTo(4096);
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(3 * 4096);
		assertThat(cachedAfterReleasing(agents.open("three"), 4)).isEqualTo(3 * 4096);
	}

	private static long cachedAfterReleasing(Agent agent, int posms) {
		try (Operation operation = agent.begin()) {
			List<Posm> held = new ArrayList<>();
			for (int i = 0; i < posms; i++) {
				held.add(operation.allocate(4096));
			}
			held.forEach(Posm::release);
		}
		return agent.cachedBytes();
	}

	@Test
	void agentWithoutCacheTakesFromItsAllocatorEveryTime() {
		Agent agent = Agents.builder(this.allocator).defaultCacheBlocks(0).build().agent("uncached");
		for (int i = 0; i < 3; i++) {
			try (Operation operation = agent.begin()) {
				operation.allocate(4096).release();
			}
			assertThat(agent.cachedBytes()).isZero();
			assertThat(this.allocator.stats().retainedBytes()).isEqualTo(4096);
		}
		// reuse by the allocator's pool still counts as recycled for the agent
		assertThat(agent.stats().recycled()).isEqualTo(2);
	}

	@Test
	void openedAgentsReportIntoTheStatsOfTheirName() {
		Agent shared = this.agents.agent("connection");
		try (Agent first = this.agents.open("connection"); Agent second = this.agents.open("connection")) {
			assertThat(first).isNotSameAs(second).isNotSameAs(shared);
			assertThat(first.isShared()).isFalse();
			assertThat(first.allocator()).isSameAs(this.allocator);
			assertThat(this.agents.openCount("connection")).isEqualTo(2);
			for (Agent agent : List.of(shared, first, second)) {
				try (Operation operation = agent.begin()) {
					operation.allocate(1000).release();
				}
			}
			Operation failed = first.begin();
			failed.markFailed();
			failed.close();
			assertThat(this.agents.all()).containsExactly(shared);
			assertThat(first.stats()).isEqualTo(shared.stats()).isEqualTo(new AgentStats(4, 0, 1, 3, 0, 0, 0, 1024));
		}
		assertThat(this.agents.openCount("connection")).isZero();
		assertThat(this.agents.openCount("never")).isZero();
		assertThat(this.agents.find("connection")).containsSame(shared);
		assertThat(this.agents.find("never")).isEmpty();
	}

	@Test
	void closingAnOpenedAgentGivesItsCachedBlocksToTheAllocator() {
		Agent connection = this.agents.open("connection");
		try (Operation operation = connection.begin()) {
			operation.allocate(4096).release();
			operation.allocate(10).release();
		}
		assertThat(connection.cachedBytes()).isEqualTo(4096 + 64);
		try (Operation operation = connection.begin()) {
			// forgotten, reclaimed into the cache
			operation.allocate(4096);
			operation.allocate(10);
		}
		assertThat(connection.cachedBytes()).isEqualTo(4096 + 64);
		assertThat(connection.stats().recycled()).isEqualTo(2);
		assertThat(this.allocator.stats().retainedBytes()).isZero();
		connection.close();
		assertThat(connection.cachedBytes()).isZero();
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(4096 + 64);
		assertThatIllegalStateException().isThrownBy(connection::begin)
			.withMessage("Agent 'connection' was closed: open a new one");
		connection.close();
		assertThat(this.agents.openCount("connection")).isZero();
	}

	@Test
	void operationStillRunningWhenItsAgentClosesGivesItsBlocksToTheAllocator() {
		Agent connection = this.agents.open("connection");
		Operation late = connection.begin();
		Posm posm = late.allocate(4096);
		connection.close();
		posm.release();
		late.close();
		assertThat(connection.cachedBytes()).isZero();
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(4096);
		assertThat(connection.stats().activeOperations()).isZero();
	}

	@Test
	void closingTheSharedAgentDoesNothing() {
		Agent shared = this.agents.agent("service");
		shared.close();
		try (Operation operation = shared.begin()) {
			operation.allocate(10).release();
		}
		assertThat(shared.cachedBytes()).isEqualTo(64);
	}

	@Test
	void operationCloseReclaimsForgottenPosms() {
		Agent agent = this.agents.agent("forgetful");
		Operation operation = agent.begin();
		Posm released = operation.allocate(100);
		Posm forgotten = operation.allocate(5000);
		Posm huge = operation.allocate(2 * 1024 * 1024);
		ByteBuffer forgottenMemory = forgotten.buffer();
		released.release();
		assertThat(agent.stats().bytesInUse()).isEqualTo(8192 + 2 * 1024 * 1024);
		operation.markFailed();
		operation.close();
		assertThat(operation.isClosed()).isTrue();
		assertThat(operation.holds(forgottenMemory)).isFalse();
		assertThat(agent.stats()).isEqualTo(new AgentStats(1, 0, 1, 3, 0, 2, 0, 128 + 8192 + 2 * 1024 * 1024));
		assertThat(this.allocator.stats())
			.isEqualTo(new AllocatorStats(3, 0, 3, 1, 2, 0, 128 + 8192 + 2 * 1024 * 1024, 0));
		// the holder comes back too late: told what happened, nothing changes
		AllocatorStats before = this.allocator.stats();
		assertThatIllegalStateException().isThrownBy(forgotten::release)
			.withMessageContaining("after its operation completed and reclaimed it");
		assertThatIllegalStateException().isThrownBy(forgotten::buffer);
		huge.close();
		operation.close();
		assertThat(this.allocator.stats()).isEqualTo(before);
		assertThat(agent.stats().reclaimed()).isEqualTo(2);
	}

	@Test
	void allocateAfterCloseThrowsAndChangesNothing() {
		Agent agent = this.agents.agent("late");
		Operation operation = agent.begin();
		operation.allocate(100).release();
		operation.close();
		AgentStats agentBefore = agent.stats();
		AllocatorStats allocatorBefore = this.allocator.stats();
		long cachedBefore = agent.cachedBytes();
		assertThatIllegalStateException().isThrownBy(() -> operation.allocate(100))
			.withMessage("Operation[agent 'late'] has completed: it cannot take a POSM any more");
		assertThat(agent.stats()).isEqualTo(agentBefore);
		assertThat(this.allocator.stats()).isEqualTo(allocatorBefore);
		assertThat(agent.cachedBytes()).isEqualTo(cachedBefore);
	}

	@Test
	void negativeSizeThroughAnOperationChangesNothing() {
		Agent agent = this.agents.agent("negative");
		try (Operation operation = agent.begin()) {
			AgentStats before = agent.stats();
			assertThatIllegalArgumentException().isThrownBy(() -> operation.allocate(-1))
				.withMessage("POSM size must be zero or more, was -1");
			assertThat(agent.stats()).isEqualTo(before);
			assertThat(this.allocator.stats().allocations()).isZero();
		}
	}

	@Test
	void anOperationHoldsOnlyItsOwnPosms() {
		Agent agent = this.agents.agent("owner");
		try (Operation first = agent.begin(); Operation second = agent.begin()) {
			Posm mine = first.allocate(100);
			Posm theirs = second.allocate(100);
			assertThat(first.holds(mine.buffer())).isTrue();
			assertThat(first.holds(theirs.buffer())).isFalse();
			assertThat(first.holds(ByteBuffer.allocate(100))).isFalse();
			assertThat(agent.stats().activeOperations()).isEqualTo(2);
		}
		assertThat(agent.stats().reclaimed()).isEqualTo(2);
	}

	@Test
	void posmsAllocateTakesFromTheBoundOperationElseFromTheDefaultAllocator() {
		PosmAllocator defaultAllocator = Allocators.pooled("test-default").build();
		PosmAllocator previousDefault = Posms.setDefaultAllocator(defaultAllocator);
		try {
			assertThat(Posms.currentOperation()).isNull();
			assertThat(Posms.currentAgent()).isEmpty();
			assertThat(Posms.currentAllocator()).isSameAs(defaultAllocator);
			Posms.allocate(100).release();
			assertThat(defaultAllocator.stats().allocations()).isEqualTo(1);
			Agent agent = this.agents.agent("bound");
			try (Operation operation = agent.begin()) {
				assertThat(Posms.setCurrentOperation(operation)).isNull();
				try {
					assertThat(Posms.currentOperation()).isSameAs(operation);
					assertThat(Posms.currentAgent()).containsSame(agent);
					assertThat(Posms.currentAllocator()).isSameAs(this.allocator);
					Posm posm = Posms.allocate(100);
					assertThat(operation.holds(posm.buffer())).isTrue();
					try (Operation nested = this.agents.agent("nested").begin()) {
						assertThat(Posms.setCurrentOperation(nested)).isSameAs(operation);
						assertThat(Posms.allocate(10).buffer()).matches(nested::holds);
						assertThat(Posms.setCurrentOperation(operation)).isSameAs(nested);
					}
				}
				finally {
					assertThat(Posms.setCurrentOperation(null)).isSameAs(operation);
				}
			}
			assertThat(Posms.currentOperation()).isNull();
			assertThat(Posms.setCurrentOperation(null)).isNull();
			assertThat(agent.stats().allocations()).isEqualTo(1);
			assertThat(agent.stats().reclaimed()).isEqualTo(1);
			assertThat(defaultAllocator.stats().allocations()).isEqualTo(1);
		}
		finally {
			Posms.restoreDefaultAllocator(defaultAllocator, previousDefault);
		}
		assertThat(Posms.defaultAllocator()).isNotSameAs(defaultAllocator);
	}

	@Test
	void builtInDefaultAllocatorIsRecyclingAndDirect() {
		PosmAllocator previous = Posms.setDefaultAllocator(null);
		try {
			PosmAllocator builtIn = Posms.defaultAllocator();
			assertThat(builtIn.name()).isEqualTo("default");
			assertThat(builtIn.type()).isEqualTo("recycling");
			assertThat(builtIn.isDirect()).isTrue();
			assertThat(Posms.defaultAllocator()).isSameAs(builtIn);
		}
		finally {
			Posms.setDefaultAllocator(previous);
		}
	}

	@Test
	void restoreDefaultAllocatorOnlyReplacesTheExpectedOne() {
		PosmAllocator mine = Allocators.unpooled("mine").build();
		PosmAllocator theirs = Allocators.unpooled("theirs").build();
		PosmAllocator previous = Posms.setDefaultAllocator(theirs);
		try {
			Posms.restoreDefaultAllocator(mine, null);
			assertThat(Posms.defaultAllocator()).isSameAs(theirs);
		}
		finally {
			Posms.restoreDefaultAllocator(theirs, previous);
		}
	}

	@Test
	void sharedAgentBoundToAnotherAllocatorIsAConflict() {
		PosmAllocator first = Allocators.pooled("first").build();
		PosmAllocator second = Allocators.pooled("second").build();
		Agent agent = this.agents.agent("bound-once", first);
		assertThat(agent.allocator()).isSameAs(first);
		assertThat(this.agents.agent("bound-once", first)).isSameAs(agent);
		assertThat(this.agents.agent("bound-once")).isSameAs(agent);
		assertThat(this.agents.open("bound-once").allocator()).isSameAs(first);
		assertThatIllegalStateException().isThrownBy(() -> this.agents.agent("bound-once", second))
			.withMessage("Agent 'bound-once' is bound to allocator 'first' already: it cannot also take from "
					+ "allocator 'second'");
	}

	@Test
	void configuredAllocatorWinsOverTheOneGiven() {
		PosmAllocator configured = Allocators.pooled("configured").build();
		Agents agents = Agents.builder(this.allocator).allocator("relay", configured).build();
		assertThat(agents.agent("relay", Allocators.unpooled("other").build()).allocator()).isSameAs(configured);
		assertThat(agents.agent("other").allocator()).isSameAs(this.allocator);
		assertThat(agents.defaultAllocator()).isSameAs(this.allocator);
	}

	@Test
	void badNamesAndSettingsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.agents.agent(" "))
			.withMessage("An agent name must not be blank");
		assertThatNullPointerException().isThrownBy(() -> this.agents.open(null))
			.withMessage("An agent name must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> Agents.builder(this.allocator).cacheBlocks("x", -1))
			.withMessage("cacheBlocks must be between 0 and 16, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> Agents.builder(this.allocator).defaultCacheBlocks(-2))
			.withMessage("cacheBlocks must be between 0 and 16, was -2");
		// a cache of 100,000 blocks would keep memory out of every bound
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Agents.builder(this.allocator).cacheBlocks("x", 100_000))
			.withMessage("cacheBlocks must be between 0 and 16, was 100000");
		assertThatNullPointerException().isThrownBy(() -> Agents.builder(null))
			.withMessage("defaultAllocator must not be null");
		assertThat(this.agents.all()).isEmpty();
	}

	@Test
	void agentOverAnAllocatorOfAnotherKindReclaimsThroughIt() {
		AtomicLong calls = new AtomicLong();
		PosmAllocator counting = new PosmAllocator() {

			@Override
			public Posm allocate(int size) {
				calls.incrementAndGet();
				return AgentTests.this.allocator.allocate(size);
			}

			@Override
			public String name() {
				return "counting";
			}

			@Override
			public AllocatorStats stats() {
				return AgentTests.this.allocator.stats();
			}

			@Override
			public void trim() {
				AgentTests.this.allocator.trim();
			}

		};
		assertThat(counting.type()).isEqualTo("custom");
		assertThat(counting.isDirect()).isFalse();
		assertThat(counting.leaks()).isZero();
		assertThat(counting.describe()).isEqualTo(Map.of());
		Agent agent = this.agents.agent("wrapped", counting);
		for (int i = 0; i < 3; i++) {
			try (Operation operation = agent.begin()) {
				Posm posm = operation.allocate(1000);
				assertThat(operation.holds(posm.buffer())).isTrue();
			}
		}
		// no agent cache for blocks it cannot match: every POSM goes through the wrapper
		assertThat(calls).hasValue(3);
		assertThat(agent.cachedBytes()).isZero();
		assertThat(agent.stats()).isEqualTo(new AgentStats(3, 0, 0, 3, 2, 3, 0, 1024));
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(3, 2, 1, 0, 3, 0, 1024, 1024));
	}

	@Test
	void concurrentClosesOfAnOpenedAgentCountItOnce() throws InterruptedException {
		int agentCount = 20_000;
		Agent[] opened = new Agent[agentCount];
		for (int i = 0; i < agentCount; i++) {
			opened[i] = this.agents.open("racy");
		}
		// the two threads close each agent at nearly the same moment: one leads, one follows at once
		// (spinning briefly, then yielding: the machine may be busy; the leader stops waiting after 1 s)
		AtomicInteger led = new AtomicInteger(-1);
		AtomicInteger followed = new AtomicInteger(-1);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		Thread leader = new Thread(() -> {
			for (int i = 0; i < agentCount; i++) {
				led.set(i);
				opened[i].close();
				for (int spins = 0; followed.get() < i && System.nanoTime() < deadline; spins++) {
					pause(spins);
				}
			}
		});
		Thread follower = new Thread(() -> {
			for (int i = 0; i < agentCount; i++) {
				for (int spins = 0; led.get() < i; spins++) {
					pause(spins);
				}
				opened[i].close();
				followed.set(i);
			}
		});
		leader.start();
		follower.start();
		leader.join(30_000);
		follower.join(30_000);
		assertThat(followed).hasValue(agentCount - 1);
		assertThat(this.agents.openCount("racy")).isZero();
	}

	private static void pause(int spins) {
		if (spins < 10_000) {
			Thread.onSpinWait();
		}
		else {
			Thread.yield();
		}
	}

	@Test
	void aLateReleaseOfAReclaimedPosmDoesNotTouchTheNextHoldersLease() {
		Agent agent = this.agents.agent("late");
		Posm forgotten;
		try (Operation first = agent.begin()) {
			forgotten = first.allocate(4096);
		}
		try (Operation second = agent.begin()) {
			Posm next = second.allocate(4096);
			assertThat(next).isNotSameAs(forgotten);
			// the late holder's release changes nothing: its handle was retired
			assertThatIllegalStateException().isThrownBy(forgotten::release)
				.withMessageContaining("after its operation completed and reclaimed it");
			forgotten.close();
			assertThatIllegalStateException().isThrownBy(forgotten::buffer)
				.withMessageContaining("reclaimed");
			assertThat(next.buffer().capacity()).isEqualTo(4096);
			assertThat(agent.stats().bytesInUse()).isEqualTo(4096);
			next.release();
		}
		// the block lived on under the new handle: reused, not lost
		assertThat(agent.stats()).isEqualTo(new AgentStats(2, 0, 0, 2, 1, 1, 0, 4096));
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(2, 1, 1, 1, 1, 0, 4096, 0));
	}

	@Test
	void peakIsTheMostOneAgentOfTheNameHeldNotTheSumOverConnections() {
		List<Agent> connections = new ArrayList<>();
		List<Operation> operations = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Agent connection = this.agents.open("relay");
			connections.add(connection);
			Operation handshake = connection.begin();
			handshake.allocate(64 * 1024);
			operations.add(handshake);
		}
		AgentStats stats = this.agents.agent("relay").stats();
		assertThat(stats.bytesInUse()).isEqualTo(3 * 64 * 1024);
		assertThat(stats.peakBytesInUse()).isEqualTo(64 * 1024);
		operations.forEach(Operation::close);
		connections.forEach(Agent::close);
		assertThat(this.agents.agent("relay").stats().bytesInUse()).isZero();
		assertThat(this.agents.agent("relay").stats().peakBytesInUse()).isEqualTo(64 * 1024);
	}

	@Test
	void aFullAgentCacheGivesBackBlocksOfASizeTheAgentNoLongerUses() {
		Agent connection = this.agents.open("serial");
		try (Operation handshake = connection.begin()) {
			handshake.allocate(64 * 1024).release();
		}
		for (int i = 0; i < 3; i++) {
			try (Operation transfer = connection.begin()) {
				Posm first = transfer.allocate(2048);
				Posm second = transfer.allocate(2048);
				first.release();
				second.release();
			}
		}
		// the handshake block went back to the pool once the cache was full of transfer blocks
		assertThat(connection.cachedBytes()).isEqualTo(2 * 2048);
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(64 * 1024);
		connection.close();
	}

}
