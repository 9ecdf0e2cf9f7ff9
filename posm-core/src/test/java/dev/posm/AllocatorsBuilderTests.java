package dev.posm;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Tests for {@link Allocators} builders: bad settings are refused with a message that
 * names the setting, its value and the allocator.
 *
 * @author posm
 */
class AllocatorsBuilderTests {

	@ParameterizedTest
	@EnumSource(value = AllocatorType.class, names = { "POOLED", "RECYCLING", "SLAB" })
	void maxBlockSizeMustBePositive(AllocatorType type) {
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.builder(type, "io").maxBlockSize(0).build())
			.withMessage("Allocator 'io': maxBlockSize must be between 1 and 1073741824, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.builder(type, "io").maxBlockSize(-5).build())
			.withMessageContaining("maxBlockSize")
			.withMessageEndingWith("was -5");
	}

	@ParameterizedTest
	@EnumSource(value = AllocatorType.class, names = { "POOLED", "RECYCLING", "SLAB" })
	void maxBlockSizeMustNotExceedOneGibibyte(AllocatorType type) {
		int tooLarge = Allocators.MAX_BLOCK_SIZE_LIMIT + 1;
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Allocators.builder(type, "io").maxBlockSize(tooLarge).maxRetained(Long.MAX_VALUE).build())
			.withMessage("Allocator 'io': maxBlockSize must be between 1 and 1073741824, was " + tooLarge);
	}

	@ParameterizedTest
	@EnumSource(value = AllocatorType.class, names = { "POOLED", "RECYCLING", "SLAB" })
	void maxRetainedMustNotBeNegative(AllocatorType type) {
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.builder(type, "io").maxRetained(-1).build())
			.withMessage("Allocator 'io': maxRetained must be zero or more, was -1");
	}

	@ParameterizedTest
	@EnumSource(value = AllocatorType.class, names = { "POOLED", "RECYCLING", "SLAB" })
	void maxBlockSizeMustNotExceedMaxRetained(AllocatorType type) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Allocators.builder(type, "io").maxBlockSize(8192).maxRetained(4096).build())
			.withMessage("Allocator 'io': maxBlockSize must not be larger than maxRetained (4096), was 8192");
	}

	@Test
	void threadCacheBlocksMustNotBeNegative() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Allocators.recycling("io").threadCacheBlocks(-1).build())
			.withMessage("Allocator 'io': threadCacheBlocks must be zero or more, was -1");
	}

	@Test
	void slabSizeMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.slab("io").slabSize(0).build())
			.withMessage("Allocator 'io': slabSize must be positive, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.slab("io").slabSize(-1).build())
			.withMessage("Allocator 'io': slabSize must be positive, was -1");
	}

	@Test
	void nameMustNotBeBlankOrNull() {
		assertThatIllegalArgumentException().isThrownBy(() -> Allocators.pooled(" "))
			.withMessage("An allocator name must not be blank");
		assertThatNullPointerException().isThrownBy(() -> Allocators.pooled(null)).withMessage("name must not be null");
		assertThatNullPointerException().isThrownBy(() -> Allocators.pooled("io").leakDetection(null))
			.withMessage("leakDetection must not be null");
	}

	@Test
	void limitsThemselvesAreAccepted() {
		PosmAllocator largest = Allocators.pooled("largest")
			.maxBlockSize(Allocators.MAX_BLOCK_SIZE_LIMIT)
			.maxRetained(Allocators.MAX_BLOCK_SIZE_LIMIT)
			.build();
		assertThat(largest.describe()).containsEntry("maxBlockSize", Allocators.MAX_BLOCK_SIZE_LIMIT);
		PosmAllocator keepsNothing = Allocators.recycling("keeps-nothing").maxRetained(0).threadCacheBlocks(0).build();
		keepsNothing.allocate(100).release();
		assertThat(keepsNothing.stats()).isEqualTo(new AllocatorStats(1, 0, 1, 1, 0, 0, 128, 0));
	}

	@Test
	void describeShowsSettingsAndSizeClasses() {
		PosmAllocator allocator = Allocators.recycling("described")
			.maxBlockSize(4096)
			.maxRetained(8192)
			.threadCacheBlocks(1)
			.leakDetection(LeakDetection.PARANOID)
			.build();
		allocator.allocate(1000).release();
		Map<String, Object> description = allocator.describe();
		assertThat(description).containsEntry("leakDetection", "paranoid")
			.containsEntry("maxBlockSize", 4096)
			.containsEntry("maxRetained", 8192L)
			.containsEntry("threadCacheBlocks", 1)
			.containsEntry("threadCaches", 1);
		assertThat((List<?>) description.get("sizeClasses")).hasSize(7)
			.first()
			.isEqualTo(Map.of("blockSize", 64, "maxBlocks", 128, "retainedBytes", 0L));
	}

	@Test
	void settingsThatDoNotApplyAreIgnored() {
		PosmAllocator unpooled = Allocators.unpooled("plain").maxBlockSize(-1).slabSize(-1).build();
		try (Posm posm = unpooled.allocate(10)) {
			assertThat(posm.buffer().capacity()).isEqualTo(10);
		}
		PosmAllocator slab = Allocators.slab("always-direct").direct(false).slabSize(4096).build();
		assertThat(slab.isDirect()).isTrue();
		try (Posm posm = slab.allocate(100)) {
			assertThat(posm.isDirect()).isTrue();
		}
	}

}
