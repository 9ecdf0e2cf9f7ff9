package dev.posm;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The five ways an asynchronous operation uses POSMs (the seed text), each through an
 * agent, with the exact counters of the agent and of its allocator.
 *
 * @author posm
 */
class UsageShapesTests {

	private final PosmAllocator allocator = Allocators.pooled("shapes").build();

	private final Agents agents = new Agents(this.allocator);

	@AfterEach
	void closeAllocator() {
		this.allocator.close();
	}

	@Test
	void noPosmOperationCostsOnlyBookkeeping() {
		Agent agent = this.agents.agent("wrapper");
		try (Operation operation = agent.begin()) {
			// wraps an API that manages its own memory: nothing to take
			assertThat(agent.stats().activeOperations()).isEqualTo(1);
			assertThat(operation.isClosed()).isFalse();
		}
		assertThat(agent.stats()).isEqualTo(new AgentStats(1, 0, 0, 0, 0, 0, 0, 0));
		assertThat(agent.cachedBytes()).isZero();
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(0, 0, 0, 0, 0, 0, 0, 0));
	}

	@Test
	void oneFixedSizePosmHeldForTheWholeOperation() {
		Agent agent = this.agents.agent("linked-list");
		for (int i = 0; i < 3; i++) {
			try (Operation operation = agent.begin()) {
				Posm node = operation.allocate(48);
				node.buffer().putLong(0, i).putLong(8, -i);
				assertThat(agent.stats().bytesInUse()).isEqualTo(64);
				assertThat(operation.holds(node.buffer())).isTrue();
				// ... the operation is outstanding ...
				assertThat(node.buffer().getLong(0)).isEqualTo(i);
				assertThat(node.buffer().getLong(8)).isEqualTo(-i);
				node.release();
				assertThat(agent.stats().bytesInUse()).isZero();
			}
		}
		// the first operation's block serves the next two from the agent's cache
		assertThat(agent.stats()).isEqualTo(new AgentStats(3, 0, 0, 3, 2, 0, 0, 64));
		assertThat(agent.cachedBytes()).isEqualTo(64);
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(3, 2, 1, 3, 0, 0, 64, 0));
	}

	@Test
	void oneRuntimeSizedPosmCopiesTheCallersBuffer() {
		Agent agent = this.agents.agent("writer");
		int size = 3000 + ThreadLocalRandom.current().nextInt(1000);
		ByteBuffer user = ByteBuffer.allocate(size);
		ThreadLocalRandom.current().nextBytes(user.array());
		ByteBuffer expected = ByteBuffer.wrap(user.array().clone());
		try (Operation operation = agent.begin()) {
			Posm copy = operation.allocate(user.remaining());
			copy.buffer().put(user.duplicate()).flip();
			// the caller may reuse its buffer at once
			user.put(0, (byte) ~user.get(0)).put(size - 1, (byte) ~user.get(size - 1));
			assertThat(copy.size()).isEqualTo(size);
			assertThat(copy.buffer().limit()).isEqualTo(size);
			assertThat(copy.buffer().capacity()).isEqualTo(4096);
			assertThat(copy.buffer()).isEqualTo(expected);
			assertThat(agent.stats().bytesInUse()).isEqualTo(4096);
			copy.release();
		}
		// an iovec-like array of another runtime size
		try (Operation operation = agent.begin()) {
			Posm vector = operation.allocate(7 * 16);
			assertThat(vector.buffer().capacity()).isEqualTo(128);
			vector.release();
		}
		assertThat(agent.stats()).isEqualTo(new AgentStats(2, 0, 0, 2, 0, 0, 0, 4096));
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(2, 0, 2, 2, 0, 0, 4096, 0));
	}

	@Test
	void severalPosmsHeldAtOnce() {
		Agent agent = this.agents.agent("list-and-buffer");
		for (int i = 0; i < 2; i++) {
			try (Operation operation = agent.begin()) {
				Posm node = operation.allocate(64);
				Posm data = operation.allocate(5000);
				ByteBuffer nodeMemory = node.buffer();
				BlockPattern.write(node.buffer(), 1);
				BlockPattern.write(data.buffer(), 2);
				assertThat(agent.stats().bytesInUse()).isEqualTo(64 + 8192);
				assertThat(operation.holds(node.buffer())).isTrue();
				assertThat(operation.holds(data.buffer())).isTrue();
				assertThat(BlockPattern.firstDamage(node.buffer(), 1)).isEqualTo(-1);
				assertThat(BlockPattern.firstDamage(data.buffer(), 2)).isEqualTo(-1);
				data.release();
				node.release();
				assertThat(operation.holds(nodeMemory)).isFalse();
			}
		}
		// the second operation reuses both blocks from the agent's cache (2 blocks)
		assertThat(agent.stats()).isEqualTo(new AgentStats(2, 0, 0, 4, 2, 0, 0, 64 + 8192));
		assertThat(agent.cachedBytes()).isEqualTo(64 + 8192);
		assertThat(this.allocator.stats()).isEqualTo(new AllocatorStats(4, 2, 2, 4, 0, 0, 64 + 8192, 0));
	}

	@Test
	void serialPosmsOfVaryingSizePeakAtTheLargestNotTheSum() {
		int transfers = 20;
		try (Agent connection = this.agents.open("connection")) {
			try (Operation handshake = connection.begin()) {
				Posm buffer = handshake.allocate(64 * 1024);
				BlockPattern.write(buffer.buffer(), 64);
				buffer.release();
				// serial within one operation too: a small POSM after the large one
				Posm ack = handshake.allocate(2048);
				ack.release();
			}
			for (int i = 0; i < transfers; i++) {
				try (Operation transfer = connection.begin()) {
					Posm chunk = transfer.allocate(2048);
					BlockPattern.write(chunk.buffer(), i);
					assertThat(connection.stats().bytesInUse()).isEqualTo(2048);
					chunk.release();
				}
			}
			AgentStats stats = connection.stats();
			assertThat(stats.operations()).isEqualTo(1 + transfers);
			assertThat(stats.allocations()).isEqualTo(2 + transfers);
			assertThat(stats.bytesInUse()).isZero();
			// the largest single extant POSM, not 64 KiB + 21 x 2 KiB
			assertThat(stats.peakBytesInUse()).isEqualTo(64 * 1024);
			assertThat(stats.recycled()).isEqualTo(transfers);
		}
		assertThat(this.allocator.stats().peakBytesInUse()).isEqualTo(64 * 1024);
		assertThat(this.allocator.stats().fresh()).isEqualTo(2);
		// the connection closed: its two cached blocks went back to the pool
		assertThat(this.allocator.stats().retainedBytes()).isEqualTo(64 * 1024 + 2048);
	}

}
