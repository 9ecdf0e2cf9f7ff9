package dev.posm;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link Agent#restart(Operation)}: the next operation on a completed
 * operation's handle.
 *
 * @author posm
 */
class OperationRestartTests {

	private final PosmAllocator allocator = Allocators.pooled("restart").build();

	private final Agents agents = new Agents(this.allocator);

	@AfterEach
	void close() {
		this.allocator.close();
	}

	@Test
	void restartBeginsTheNextOperationOnTheSameHandle() {
		try (Agent agent = this.agents.open("loop")) {
			Operation operation = agent.begin();
			operation.allocate(4096);
			operation.markFailed();
			operation.close();
			assertThat(agent.stats().reclaimed()).as("reclaimed when its operation completed").isEqualTo(1);
			Operation next = agent.restart(operation);
			assertThat(next).isSameAs(operation);
			assertThat(next.isClosed()).isFalse();
			assertThat(next.isFailed()).as("the outcome of the new operation, not the last one's").isFalse();
			ByteBuffer second = next.allocate(4096).buffer();
			assertThat(next.holds(second)).isTrue();
			next.close();
			assertThat(next.holds(second)).isFalse();
			AgentStats stats = agent.stats();
			assertThat(stats.operations()).isEqualTo(2);
			assertThat(stats.activeOperations()).isZero();
			assertThat(stats.failedOperations()).isEqualTo(1);
			assertThat(stats.allocations()).isEqualTo(2);
			assertThat(stats.reclaimed()).isEqualTo(2);
			assertThat(stats.bytesInUse()).isZero();
		}
	}

	@Test
	void aRunningOperationCannotBeRestartedAndNothingChanges() {
		try (Agent agent = this.agents.open("loop")) {
			Operation operation = agent.begin();
			Posm held = operation.allocate(100);
			assertThatIllegalStateException().isThrownBy(() -> agent.restart(operation))
				.withMessageContaining("still running");
			assertThat(operation.isClosed()).isFalse();
			assertThat(operation.holds(held.buffer())).isTrue();
			assertThat(agent.stats().operations()).isEqualTo(1);
			operation.close();
		}
	}

	@Test
	void anotherAgentsHandleIsRefused() {
		try (Agent one = this.agents.open("one"); Agent other = this.agents.open("other")) {
			Operation operation = one.begin();
			operation.close();
			assertThatIllegalArgumentException().isThrownBy(() -> other.restart(operation))
				.withMessageContaining("not an operation of agent 'other'");
			assertThat(other.stats().operations()).isZero();
		}
	}

	@Test
	void aClosedAgentCannotRestart() {
		Agent agent = this.agents.open("loop");
		Operation operation = agent.begin();
		operation.close();
		agent.close();
		assertThatIllegalStateException().isThrownBy(() -> agent.restart(operation)).withMessageContaining("closed");
		assertThat(operation.isClosed()).isTrue();
	}

	@Test
	void underParanoidRestartGivesANewHandleAndTheOldOneStaysClosed() {
		PosmAllocator paranoid = Allocators.pooled("paranoid").leakDetection(LeakDetection.PARANOID).build();
		try (Agent agent = new Agents(paranoid).open("loop")) {
			Operation operation = agent.begin();
			operation.close();
			Operation next = agent.restart(operation);
			assertThat(next).isNotSameAs(operation);
			assertThat(operation.isClosed()).isTrue();
			assertThatIllegalStateException().isThrownBy(() -> operation.allocate(10))
				.withMessageContaining("has completed");
			next.allocate(10);
			next.close();
			assertThat(agent.stats().bytesInUse()).isZero();
		}
		finally {
			paranoid.close();
		}
	}

}
