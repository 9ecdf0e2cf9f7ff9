package dev.posm;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a {@code netty} allocator counts as {@code fresh} exactly the takes for
 * which Netty got new memory, known by construction from how Netty's pooled allocator
 * works: the first take of an allocator opens its first chunk, the takes that follow
 * are served from it, a chunk holds four buffers of a quarter of its size, and a buffer
 * larger than a chunk is allocated for its take alone.
 *
 * @author posm
 */
class NettyFreshTakesTests {

	@ParameterizedTest(name = "direct: {0}")
	@ValueSource(booleans = { true, false })
	void theFirstTakeOpensAChunkThatTheTakesAfterItReuse(boolean direct) {
		PosmAllocator allocator = Allocators.netty("netty-first").direct(direct).build();
		allocator.allocate(1000).release();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(1, 0, 1, 1, 0, 0, 1000, 0));
		for (int i = 0; i < 99; i++) {
			allocator.allocate(1000 + i).release();
		}
		AllocatorStats stats = allocator.stats();
		assertThat(stats.allocations()).isEqualTo(100);
		assertThat(stats.fresh()).isEqualTo(1);
		assertThat(stats.recycled()).isEqualTo(99);
	}

	@ParameterizedTest(name = "direct: {0}")
	@ValueSource(booleans = { true, false })
	void holdingMoreThanAChunkTakesNewChunks(boolean direct) {
		PosmAllocator allocator = Allocators.netty("netty-chunks").direct(direct).build();
		int quarter = chunkSize(allocator) / 4;
		List<Posm> held = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			held.add(allocator.allocate(quarter));
		}
		// four buffers fill a chunk: three chunks for twelve
		assertThat(allocator.stats().fresh()).isEqualTo(3);
		held.forEach(Posm::release);
		assertThat(allocator.stats().recycled()).isEqualTo(9);
	}

	@ParameterizedTest(name = "direct: {0}")
	@ValueSource(booleans = { true, false })
	void aBufferLargerThanAChunkIsNewMemoryEveryTime(boolean direct) {
		PosmAllocator allocator = Allocators.netty("netty-huge").direct(direct).build();
		int huge = chunkSize(allocator) + 1;
		for (int i = 0; i < 3; i++) {
			allocator.allocate(huge).release();
		}
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(3, 0, 3, 3, 0, 0, huge, 0));
	}

	@ParameterizedTest(name = "direct: {0}")
	@ValueSource(booleans = { true, false })
	void anEmptyPosmIsABlockOfItsOwnEveryTime(boolean direct) {
		PosmAllocator allocator = Allocators.netty("netty-empty").direct(direct).build();
		allocator.allocate(0).release();
		allocator.allocate(0).release();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 0, 2, 2, 0, 0, 0, 0));
	}

	@ParameterizedTest(name = "direct: {0}")
	@ValueSource(booleans = { true, false })
	void anAgentCountsNoReuseOfNettysAsItsOwn(boolean direct) {
		PosmAllocator allocator = Allocators.netty("netty-agents").direct(direct).build();
		Agent agent = Agents.builder(allocator).build().agent("netty-user");
		for (int i = 0; i < 10; i++) {
			try (Operation operation = agent.begin()) {
				operation.allocate(4096).release();
			}
		}
		// Netty reused its chunk, but does not say which take it served so
		assertThat(allocator.stats().recycled()).isEqualTo(9);
		assertThat(agent.stats().allocations()).isEqualTo(10);
		assertThat(agent.stats().recycled()).isZero();
	}

	private static int chunkSize(PosmAllocator allocator) {
		return (int) allocator.describe().get("nettyChunkSize");
	}

}
