package dev.posm.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Posm;
import dev.posm.PosmAllocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link LeakCheck} and {@link PosmAssertions} on real allocators and agents: a POSM
 * dropped without release and memory still held fail the check with the agent and
 * allocator named; memory given back in time, or held already at the start, does not.
 *
 * @author posm
 */
class LeakCheckTests {

	private final PosmAllocator allocator = Allocators.pooled("checked").build();

	private final Agents agents = Agents.builder(this.allocator).build();

	@Test
	void passesWhenEverythingIsGivenBack() {
		LeakCheck check = LeakCheck.start(this.agents);
		try (Agent connection = this.agents.open("uploads")) {
			connection.allocate(4096).release();
		}
		check.assertNoLeaks();
		PosmAssertions.assertNoLeaks(this.agents);
	}

	@Test
	void failsOnAPosmDroppedWithoutRelease() {
		LeakCheck check = LeakCheck.start(this.agents).within(Duration.ofSeconds(20));
		Agent connection = this.agents.open("uploads");
		takeAndDrop(connection);
		connection.close();
		assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(check::assertNoLeaks)
			.withMessageContaining("agent 'uploads': 1 POSM dropped without release")
			.withMessageContaining("allocator 'checked': 1 POSM dropped without release")
			.withMessageNotContaining("still held");
		assertThat(this.agents.leaks("uploads")).isOne();
	}

	@Test
	void failsOnMemoryStillHeldAfterTheTimeout() {
		LeakCheck check = LeakCheck.start(this.agents).within(Duration.ofMillis(200));
		Agent connection = this.agents.open("downloads");
		Posm held = connection.allocate(1000);
		long started = System.nanoTime();
		assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(check::assertNoLeaks)
			.withMessageContaining("agent 'downloads': 1024 bytes still held 200 ms after (1 agents of the name still open)")
			.withMessageContaining("allocator 'checked': 1024 bytes still held");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(200),
				Duration.ofSeconds(5));
		held.release();
		connection.close();
		check.assertNoLeaks();
	}

	@Test
	void waitsForMemoryGivenBackOnAnotherThread() {
		LeakCheck check = LeakCheck.start(this.agents);
		Agent connection = this.agents.open("late");
		Posm posm = connection.allocate(100);
		CompletableFuture.runAsync(() -> {
			posm.release();
			connection.close();
		}, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
		check.assertNoLeaks();
		assertThat(this.agents.agent("late").stats().bytesInUse()).isZero();
	}

	@Test
	void memoryHeldAtTheStartIsNoLeakOfTheStretch() {
		Agent connection = this.agents.open("long-lived");
		Posm before = connection.allocate(2048);
		LeakCheck check = LeakCheck.start(this.agents).within(Duration.ofMillis(100));
		connection.allocate(64).release();
		check.assertNoLeaks();
		// but not of everything since the agents were made
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> PosmAssertions.assertNoLeaks(this.agents, Duration.ofMillis(100)))
			.withMessageContaining("agent 'long-lived': 2048 bytes still held");
		before.release();
		connection.close();
	}

	@Test
	void aNegativeTimeoutIsRefused() {
		LeakCheck check = LeakCheck.start(this.agents);
		assertThatIllegalArgumentException().isThrownBy(() -> check.within(Duration.ofSeconds(-1)))
			.withMessage("timeout must not be negative, was PT-1S");
	}

	private static void takeAndDrop(Agent agent) {
		agent.allocate(512).buffer().putInt(0, 42);
	}

}
