package dev.posm;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Every allocator strategy, heap and direct: sizes from 0 to above
 * {@code maxBlockSize}, misuse, exact stats, trim and close.
 *
 * @author posm
 */
class AllocatorStrategyTests {

	/** Not a power of two: the last class holds blocks larger than the setting. */
	private static final int MAX_BLOCK_SIZE = 48 * 1024;

	private static final long MAX_RETAINED = 1024 * 1024;

	/** Small enough that some classes are carved and others fall back to the pool. */
	private static final int SLAB_SIZE = 8 * 1024;

	private static final int[] SIZES = { 0, 1, 63, 64, 65, 127, 128, 129, 4095, 4096, 4097, MAX_BLOCK_SIZE - 1,
			MAX_BLOCK_SIZE, MAX_BLOCK_SIZE + 1, 1024 * 1024 };

	static Stream<Strategy> strategies() {
		return Stream.of(new Strategy("unpooled heap", "unpooled", false, Kind.EXACT,
				() -> Allocators.unpooled("unpooled-heap").direct(false).build()),
				new Strategy("unpooled direct", "unpooled", true, Kind.EXACT,
						() -> Allocators.unpooled("unpooled-direct").build()),
				new Strategy("pooled heap", "pooled", false, Kind.POOLED,
						() -> pooledSettings(Allocators.pooled("pooled-heap")).direct(false).build()),
				new Strategy("pooled direct", "pooled", true, Kind.POOLED,
						() -> pooledSettings(Allocators.pooled("pooled-direct")).build()),
				new Strategy("recycling heap", "recycling", false, Kind.POOLED,
						() -> pooledSettings(Allocators.recycling("recycling-heap")).direct(false).build()),
				new Strategy("recycling direct", "recycling", true, Kind.POOLED,
						() -> pooledSettings(Allocators.recycling("recycling-direct")).build()),
				new Strategy("slab", "slab", true, Kind.POOLED,
						() -> pooledSettings(Allocators.slab("slab")).slabSize(SLAB_SIZE).build()),
				new Strategy("netty heap", "netty", false, Kind.NETTY,
						() -> Allocators.netty("netty-heap").direct(false).build()),
				new Strategy("netty direct", "netty", true, Kind.NETTY, () -> Allocators.netty("netty-direct").build()));
	}

	static Stream<Strategy> poolingStrategies() {
		return strategies().filter((strategy) -> strategy.kind() == Kind.POOLED);
	}

	private static Allocators.Builder pooledSettings(Allocators.Builder builder) {
		return builder.maxBlockSize(MAX_BLOCK_SIZE).maxRetained(MAX_RETAINED);
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void everySizeGetsABufferOfThatSizeAndExactStats(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		assertThat(allocator.type()).isEqualTo(strategy.type());
		assertThat(allocator.isDirect()).isEqualTo(strategy.direct());
		Set<Integer> pooledCapacities = new HashSet<>();
		long recycled = 0;
		long fresh = 0;
		long retained = 0;
		long peak = 0;
		for (int i = 0; i < SIZES.length; i++) {
			int size = SIZES[i];
			int capacity = strategy.capacityFor(size);
			boolean pooled = strategy.kind() == Kind.POOLED && size <= MAX_BLOCK_SIZE;
			Posm posm = allocator.allocate(size);
			ByteBuffer buffer = posm.buffer();
			assertThat(buffer.position()).as("position of %d", size).isZero();
			assertThat(buffer.limit()).as("limit of %d", size).isEqualTo(size);
			assertThat(buffer.capacity()).as("capacity of %d", size).isEqualTo(capacity);
			assertThat(buffer.isDirect()).as("buffer of %d is direct", size).isEqualTo(strategy.direct());
			assertThat(posm.isDirect()).as("POSM of %d is direct", size).isEqualTo(strategy.direct());
			assertThat(posm.size()).isEqualTo(size);
			assertThat(posm.capacity()).isEqualTo(capacity);
			BlockPattern.write(buffer, size);
			assertThat(BlockPattern.firstDamage(buffer, size)).isEqualTo(-1);
			// netty: Netty's first chunk serves every size here, after the zero-byte block of posm's own
			if ((strategy.kind() == Kind.NETTY && size > 1) || (pooled && pooledCapacities.contains(capacity))) {
				recycled++;
			}
			else {
				fresh++;
			}
			peak = Math.max(peak, capacity);
			if (pooled && pooledCapacities.add(capacity)) {
				// the one block of this class waits in the pool from now on
				retained += capacity;
			}
			assertThat(allocator.stats()).as("stats while %d is held", size)
				.isEqualTo(new AllocatorStats(i + 1, recycled, fresh, i, 0, capacity, peak,
						retained - (pooled ? capacity : 0)));
			posm.release();
			assertThat(allocator.stats()).as("stats after %d is released", size)
				.isEqualTo(new AllocatorStats(i + 1, recycled, fresh, i + 1, 0, 0, peak, retained));
		}
		allocator.trim();
		assertThat(allocator.stats().retainedBytes()).isEqualTo(strategy.untrimmable(allocator));
		assertThat(allocator.stats().held()).isZero();
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void secondReleaseThrowsAndChangesNothing(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		Posm posm = allocator.allocate(100);
		posm.release();
		AllocatorStats before = allocator.stats();
		assertThatIllegalStateException().isThrownBy(posm::release)
			.withMessageContaining("release() called twice")
			.withMessageContaining("released already");
		assertThat(allocator.stats()).isEqualTo(before);
		posm.close();
		assertThat(allocator.stats()).isEqualTo(before);
		// the pool is intact: the next POSM is whole and alone
		Posm next = allocator.allocate(100);
		Posm other = allocator.allocate(100);
		assertThat(next.buffer()).isNotSameAs(other.buffer());
		next.release();
		other.release();
		assertThat(allocator.stats().held()).isZero();
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void bufferAfterReleaseThrows(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		Posm posm = allocator.allocate(10);
		posm.release();
		AllocatorStats before = allocator.stats();
		assertThatIllegalStateException().isThrownBy(posm::buffer)
			.withMessageContaining("which was released");
		assertThat(allocator.stats()).isEqualTo(before);
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void negativeSizeIsRejectedAndChangesNothing(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		Posm held = allocator.allocate(10);
		AllocatorStats before = allocator.stats();
		assertThatIllegalArgumentException().isThrownBy(() -> allocator.allocate(-1))
			.withMessage("POSM size must be zero or more, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> allocator.allocate(Integer.MIN_VALUE))
			.withMessageContaining("was " + Integer.MIN_VALUE);
		assertThat(allocator.stats()).isEqualTo(before);
		held.release();
	}

	@ParameterizedTest
	@MethodSource("strategies")
	void closeReleasesIfHeldAndIsANoOpOtherwise(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		try (Posm posm = allocator.allocate(10)) {
			assertThat(posm.buffer().limit()).isEqualTo(10);
		}
		assertThat(allocator.stats().releases()).isEqualTo(1);
		assertThat(allocator.stats().held()).isZero();
	}

	@ParameterizedTest
	@MethodSource("poolingStrategies")
	void reusedBlockComesBackAtPositionZeroWithLimitOfTheNewSize(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		Posm first = allocator.allocate(100);
		ByteBuffer memory = first.buffer();
		memory.position(50).limit(60);
		memory.mark();
		first.release();
		Posm second = allocator.allocate(90);
		assertThat(second.buffer()).isSameAs(memory);
		assertThat(second.buffer().position()).isZero();
		assertThat(second.buffer().limit()).isEqualTo(90);
		assertThat(second.size()).isEqualTo(90);
		second.release();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 1, 1, 2, 0, 0, 128, 128));
	}

	@ParameterizedTest
	@MethodSource("poolingStrategies")
	void retentionIsBoundedByMaxRetainedAndTrimmed(Strategy strategy) {
		// 16 KiB blocks: beyond the slab, so every strategy keeps them in its pool
		PosmAllocator allocator = strategy.builder().maxRetained(48 * 1024).build();
		Posm[] held = new Posm[5];
		ByteBuffer[] memory = new ByteBuffer[held.length];
		for (int i = 0; i < held.length; i++) {
			held[i] = allocator.allocate(16 * 1024);
			memory[i] = held[i].buffer();
		}
		for (Posm posm : held) {
			posm.release();
		}
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(5, 0, 5, 5, 0, 0, 5 * 16 * 1024, 48 * 1024));
		allocator.trim();
		assertThat(allocator.stats().retainedBytes()).isZero();
		// the blocks were given back, not only forgotten by the counter
		Posm after = allocator.allocate(16 * 1024);
		assertThat(memory).noneMatch((buffer) -> buffer == after.buffer());
		assertThat(allocator.stats().fresh()).isEqualTo(6);
		after.release();
	}

	@ParameterizedTest
	@MethodSource("poolingStrategies")
	void closeStopsRetainingAndLeavesTheAllocatorUsable(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		allocator.allocate(16 * 1024).release();
		assertThat(allocator.stats().retainedBytes()).isEqualTo(16 * 1024);
		allocator.close();
		assertThat(allocator.stats().retainedBytes()).isZero();
		Posm posm = allocator.allocate(16 * 1024);
		assertThat(posm.buffer().limit()).isEqualTo(16 * 1024);
		posm.release();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 0, 2, 2, 0, 0, 16 * 1024, 0));
	}

	@ParameterizedTest
	@MethodSource("poolingStrategies")
	void blocksAboveMaxBlockSizeAreNeverRetained(Strategy strategy) {
		PosmAllocator allocator = strategy.create();
		for (int i = 0; i < 3; i++) {
			Posm posm = allocator.allocate(MAX_BLOCK_SIZE + 1);
			assertThat(posm.buffer().capacity()).isEqualTo(MAX_BLOCK_SIZE + 1);
			posm.release();
			assertThat(allocator.stats().retainedBytes()).isZero();
		}
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(3, 0, 3, 3, 0, 0, MAX_BLOCK_SIZE + 1, 0));
	}

	enum Kind {

		/** A new block of the very size asked for, every time. */
		EXACT,

		/** Power-of-two classes up to {@code maxBlockSize}, exact size above. */
		POOLED,

		/** Netty's memory of the very size asked for; Netty does the reuse and counts it. */
		NETTY

	}

	record Strategy(String label, String type, boolean direct, Kind kind, Supplier<PosmAllocator> factory) {

		PosmAllocator create() {
			return this.factory.get();
		}

		Allocators.Builder builder() {
			Allocators.Builder builder = Allocators.builder(AllocatorType.valueOf(this.type.toUpperCase(Locale.ROOT)),
					this.label.replace(' ', '-'))
				.maxBlockSize(MAX_BLOCK_SIZE)
				.maxRetained(MAX_RETAINED)
				.direct(this.direct);
			return this.type.equals("slab") ? builder.slabSize(SLAB_SIZE) : builder;
		}

		int capacityFor(int size) {
			if (this.kind != Kind.POOLED || size > MAX_BLOCK_SIZE) {
				return size;
			}
			return Math.max(64, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
		}

		/**
		 * Return what trim() cannot give back: a slab's carved blocks belong to its
		 * region, which is one allocation.
		 */
		long untrimmable(PosmAllocator allocator) {
			return this.type.equals("slab") ? ((Number) allocator.describe().get("slabCarvedBytes")).longValue() : 0;
		}

		@Override
		public String toString() {
			return this.label;
		}

	}

}
