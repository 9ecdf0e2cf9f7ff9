package dev.posm.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.util.unit.DataSize;

import dev.posm.AllocatorType;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;

/**
 * One allocator of {@code posm.allocators.<name>}, checked: every setting is in range
 * and the type can be built with the application's class loader.
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
	 * Check the settings of one allocator.
	 * @param name the allocator's name
	 * @param settings its properties
	 * @param classLoader the application's class loader
	 * @return the checked allocator
	 * @throws InvalidPosmPropertyException if a setting cannot be used
	 */
	static ConfiguredAllocator of(String name, PosmProperties.Allocator settings, ClassLoader classLoader) {
		String prefix = "posm.allocators." + name + ".";
		AllocatorType type = type(prefix + "type", settings.getType(), classLoader);
		long maxRetained = bytes(prefix + "max-retained", settings.getMaxRetained(), 0, Long.MAX_VALUE,
				"0 (keep nothing) or a positive size, such as 64MB");
		int maxBlockSize = (int) bytes(prefix + "max-block-size", settings.getMaxBlockSize(), 1,
				Allocators.MAX_BLOCK_SIZE_LIMIT, "a size from 1B to 1GB, such as 1MB");
		if (maxRetained > 0 && maxBlockSize > maxRetained) {
			throw new InvalidPosmPropertyException(prefix + "max-block-size", settings.getMaxBlockSize(),
					"it is larger than " + prefix + "max-retained (" + settings.getMaxRetained()
							+ "): no block of that size could ever be kept for reuse",
					List.of("a size up to " + settings.getMaxRetained() + " (the value of " + prefix + "max-retained)",
							"or raise " + prefix + "max-retained"));
		}
		int threadCacheBlocks = settings.getThreadCacheBlocks();
		if (threadCacheBlocks < 0) {
			throw new InvalidPosmPropertyException(prefix + "thread-cache-blocks", threadCacheBlocks,
					"a thread cannot keep a negative number of blocks",
					List.of("0 (no thread cache)", "a positive number of blocks, such as 2"));
		}
		int slabSize = (int) bytes(prefix + "slab-size", settings.getSlabSize(), 1, Integer.MAX_VALUE,
				"a positive size below 2GB, such as 16MB");
		return new ConfiguredAllocator(name, type, settings.isDirect(), maxBlockSize, maxRetained, threadCacheBlocks,
				slabSize);
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

	private static AllocatorType type(String property, String value, ClassLoader classLoader) {
		String id = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "";
		for (AllocatorType type : AllocatorType.values()) {
			if (type.id().equals(id)) {
				if (!Allocators.isAvailable(type, classLoader)) {
					throw new InvalidPosmPropertyException(property, value,
							"type '" + id + "' needs io.netty:netty-buffer on the classpath, and it is not there",
							acceptedTypes(classLoader));
				}
				return type;
			}
		}
		throw new InvalidPosmPropertyException(property, String.valueOf(value), "there is no allocator type of that name",
				acceptedTypes(classLoader));
	}

	private static List<String> acceptedTypes(ClassLoader classLoader) {
		List<String> accepted = new ArrayList<>();
		for (AllocatorType type : AllocatorType.values()) {
			accepted.add(Allocators.isAvailable(type, classLoader) ? type.id()
					: type.id() + " (once io.netty:netty-buffer is on the classpath)");
		}
		return accepted;
	}

	private static long bytes(String property, DataSize size, long min, long max, String accepted) {
		if (size == null) {
			throw new InvalidPosmPropertyException(property, "", "a size is required", List.of(accepted));
		}
		long bytes = size.toBytes();
		if (bytes < min || bytes > max) {
			String reason = (bytes < 0) ? "a size cannot be negative"
					: (bytes < min) ? "a size of " + bytes + " bytes makes no sense here"
							: "it is larger than " + ((max == Allocators.MAX_BLOCK_SIZE_LIMIT) ? "1GB" : max + " bytes");
			throw new InvalidPosmPropertyException(property, size, reason, List.of(accepted));
		}
		return bytes;
	}

}
