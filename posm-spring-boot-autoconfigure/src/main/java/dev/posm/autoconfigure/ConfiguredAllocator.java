package dev.posm.autoconfigure;

import dev.posm.AllocatorType;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;

/**
 * One allocator of {@code posm.allocators.<name>}, with settings that are checked: every
 * setting is in range and the type can be built with the application's class loader.
 *
 * @param name the allocator's name, also its bean name
 * @param type the strategy
 * @param direct whether buffers are direct
 * @param maxBlockSize the largest pooled block, in bytes
 * @param maxRetained the bound on retained bytes
 * @param threadCacheBlocks the blocks per thread and size class (recycling)
 * @param slabSize the size of a slab's region, in bytes
 * @author posm
 */
record ConfiguredAllocator(String name, AllocatorType type, boolean direct, int maxBlockSize, long maxRetained,
		int threadCacheBlocks, int slabSize) {

	/**
	 * Take the settings of one allocator, checked by
	 * {@link PosmPropertiesChecks#bind(org.springframework.core.env.Environment, ClassLoader)}.
	 * @param name the allocator's name
	 * @param settings its properties
	 * @return the allocator's settings
	 */
	static ConfiguredAllocator of(String name, PosmProperties.Allocator settings) {
		return new ConfiguredAllocator(name, settings.getType(), settings.isDirect(),
				(int) settings.getMaxBlockSize().toBytes(), settings.getMaxRetained().toBytes(),
				settings.getThreadCacheBlocks(), (int) settings.getSlabSize().toBytes());
	}

	/**
	 * Return the allocator that exists unless the application defines one of that
	 * name: recycling, direct, with the default limits.
	 * @param name its name
	 * @return the checked allocator
	 */
	static ConfiguredAllocator standard(String name) {
		return new ConfiguredAllocator(name, AllocatorType.RECYCLING, true, Allocators.DEFAULT_MAX_BLOCK_SIZE,
				Allocators.DEFAULT_MAX_RETAINED, Allocators.DEFAULT_THREAD_CACHE_BLOCKS, Allocators.DEFAULT_SLAB_SIZE);
	}

	/**
	 * Build the allocator.
	 * @param leakDetection how it looks for POSMs dropped without release
	 * @return a new allocator
	 */
	PosmAllocator build(LeakDetection leakDetection) {
		return Allocators.builder(this.type, this.name)
			.direct(this.direct)
			.maxBlockSize(this.maxBlockSize)
			.maxRetained(this.maxRetained)
			.threadCacheBlocks(this.threadCacheBlocks)
			.slabSize(this.slabSize)
			.leakDetection(leakDetection)
			.build();
	}

}
