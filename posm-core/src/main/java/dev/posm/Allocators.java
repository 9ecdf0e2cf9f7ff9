package dev.posm;

import java.util.Objects;

import dev.posm.alloc.BlockStore;
import dev.posm.alloc.DirectMemory;
import dev.posm.alloc.NettyStore;
import dev.posm.alloc.PooledStore;
import dev.posm.alloc.RecyclingStore;
import dev.posm.alloc.SlabStore;
import dev.posm.alloc.UnpooledStore;

/**
 * Builds the allocators of each {@link AllocatorType}.
 * <pre class="code">
 * PosmAllocator bigIo = Allocators.pooled("big-io").maxBlockSize(1 &lt;&lt; 20).maxRetained(64 &lt;&lt; 20).build();
 * </pre>
 *
 * @author posm
 */
public final class Allocators {

	/** Default largest pooled block: 1 MiB. */
	public static final int DEFAULT_MAX_BLOCK_SIZE = 1024 * 1024;

	/** Default bound on the bytes kept for reuse: 64 MiB. */
	public static final long DEFAULT_MAX_RETAINED = 64L * 1024 * 1024;

	/** Default blocks a thread keeps per size class (recycling). */
	public static final int DEFAULT_THREAD_CACHE_BLOCKS = 2;

	/** Default size of a slab's region: 16 MiB. */
	public static final int DEFAULT_SLAB_SIZE = 16 * 1024 * 1024;

	/** The largest block a size class may have: 1 GiB. */
	public static final int MAX_BLOCK_SIZE_LIMIT = 1 << 30;

	private Allocators() {
	}

	/**
	 * Start building an allocator of the given type.
	 * @param type the strategy
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder builder(AllocatorType type, String name) {
		return new Builder(type, name);
	}

	/**
	 * Start building an allocator that gives a fresh buffer every time.
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder unpooled(String name) {
		return builder(AllocatorType.UNPOOLED, name);
	}

	/**
	 * Start building a pooled allocator.
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder pooled(String name) {
		return builder(AllocatorType.POOLED, name);
	}

	/**
	 * Start building a pooled allocator with per-thread caches.
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder recycling(String name) {
		return builder(AllocatorType.RECYCLING, name);
	}

	/**
	 * Start building an allocator that carves blocks from one contiguous region.
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder slab(String name) {
		return builder(AllocatorType.SLAB, name);
	}

	/**
	 * Start building an adapter over Netty's pooled allocator.
	 * @param name the allocator's name
	 * @return a builder
	 */
	public static Builder netty(String name) {
		return builder(AllocatorType.NETTY, name);
	}

	/**
	 * Return whether allocators of the given type can be built with the given class
	 * loader: {@code netty} needs {@code io.netty:netty-buffer}.
	 * @param type the type
	 * @param classLoader the class loader to look in
	 * @return whether the type is available
	 */
	public static boolean isAvailable(AllocatorType type, ClassLoader classLoader) {
		return type != AllocatorType.NETTY || isNettyPresent(classLoader);
	}

	// here, not in NettyAllocator: loading that class needs Netty on the classpath
	private static boolean isNettyPresent(ClassLoader classLoader) {
		try {
			Class.forName("io.netty.buffer.PooledByteBufAllocator", false, classLoader);
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	static void checkSize(int size) {
		if (size < 0) {
			throw new IllegalArgumentException("POSM size must be zero or more, was " + size);
		}
	}

	/**
	 * Builds one allocator. Settings that do not apply to the type are ignored.
	 */
	public static final class Builder {

		private final AllocatorType type;

		private final String name;

		private boolean direct = true;

		private int maxBlockSize = DEFAULT_MAX_BLOCK_SIZE;

		private long maxRetained = DEFAULT_MAX_RETAINED;

		private int threadCacheBlocks = DEFAULT_THREAD_CACHE_BLOCKS;

		private int slabSize = DEFAULT_SLAB_SIZE;

		private LeakDetection leakDetection = LeakDetection.SIMPLE;

		private Builder(AllocatorType type, String name) {
			this.type = Objects.requireNonNull(type, "type must not be null");
			this.name = Objects.requireNonNull(name, "name must not be null");
			if (name.isBlank()) {
				throw new IllegalArgumentException("An allocator name must not be blank");
			}
		}

		/**
		 * Whether to hand out direct (off-heap) buffers rather than heap buffers.
		 * Default {@code true}. A slab is always direct.
		 * @param direct whether buffers are direct
		 * @return this builder
		 */
		public Builder direct(boolean direct) {
			this.direct = direct;
			return this;
		}

		/**
		 * The largest POSM served from pooled blocks; larger ones are served unpooled and
		 * never kept. Default 1 MiB, at most 1 GiB.
		 * @param maxBlockSize the size in bytes
		 * @return this builder
		 */
		public Builder maxBlockSize(int maxBlockSize) {
			this.maxBlockSize = maxBlockSize;
			return this;
		}

		/**
		 * The bound on the bytes kept for reuse. Default 64 MiB.
		 * @param maxRetained the size in bytes
		 * @return this builder
		 */
		public Builder maxRetained(long maxRetained) {
			this.maxRetained = maxRetained;
			return this;
		}

		/**
		 * The blocks each platform thread keeps per size class (recycling). Default 2.
		 * @param threadCacheBlocks the number of blocks, 0 for no thread cache
		 * @return this builder
		 */
		public Builder threadCacheBlocks(int threadCacheBlocks) {
			this.threadCacheBlocks = threadCacheBlocks;
			return this;
		}

		/**
		 * The size of the contiguous region of a slab. Default 16 MiB.
		 * @param slabSize the size in bytes
		 * @return this builder
		 */
		public Builder slabSize(int slabSize) {
			this.slabSize = slabSize;
			return this;
		}

		/**
		 * How POSMs dropped without release are looked for. Default
		 * {@link LeakDetection#SIMPLE}.
		 * @param leakDetection the level
		 * @return this builder
		 */
		public Builder leakDetection(LeakDetection leakDetection) {
			this.leakDetection = Objects.requireNonNull(leakDetection, "leakDetection must not be null");
			return this;
		}

		/**
		 * Build the allocator.
		 * @return the allocator
		 * @throws IllegalArgumentException if a setting is out of range, or the system
		 * property {@code dev.posm.direct-memory.free-at-once} is neither {@code true}
		 * nor {@code false}
		 * @throws IllegalStateException if the type needs a library that is absent
		 */
		public PosmAllocator build() {
			if (this.direct || this.type == AllocatorType.SLAB) {
				// a bad value of the system property stops the build, not a take
				DirectMemory.freesAtOnce();
			}
			return switch (this.type) {
				case UNPOOLED -> allocator(new UnpooledStore(this.direct));
				case POOLED -> {
					checkPoolSettings();
					yield allocator(new PooledStore(this.direct, this.maxBlockSize, this.maxRetained));
				}
				case RECYCLING -> {
					checkPoolSettings();
					check(this.threadCacheBlocks >= 0, "threadCacheBlocks must be zero or more", this.threadCacheBlocks);
					yield allocator(new RecyclingStore(this.direct, this.maxBlockSize, this.maxRetained,
							this.threadCacheBlocks));
				}
				case SLAB -> {
					checkPoolSettings();
					check(this.slabSize > 0, "slabSize must be positive", this.slabSize);
					yield allocator(new SlabStore(this.maxBlockSize, this.maxRetained, this.slabSize));
				}
				case NETTY -> {
					if (!isNettyPresent(Allocators.class.getClassLoader())) {
						throw new IllegalStateException("Allocator '" + this.name
								+ "' of type netty needs io.netty:netty-buffer on the classpath");
					}
					// Netty's pooled memory is not freed by the collector: a dropped POSM's buffer goes back
					yield new StoreAllocator(this.name, this.type, new NettyStore(this.direct), this.leakDetection,
							NettyStore::release);
				}
			};
		}

		private PosmAllocator allocator(BlockStore store) {
			return new StoreAllocator(this.name, this.type, store, this.leakDetection, null);
		}

		private void checkPoolSettings() {
			check(this.maxBlockSize > 0 && this.maxBlockSize <= MAX_BLOCK_SIZE_LIMIT,
					"maxBlockSize must be between 1 and " + MAX_BLOCK_SIZE_LIMIT, this.maxBlockSize);
			check(this.maxRetained >= 0, "maxRetained must be zero or more", this.maxRetained);
			check(this.maxRetained == 0 || this.maxBlockSize <= this.maxRetained,
					"maxBlockSize must not be larger than maxRetained (" + this.maxRetained + ")", this.maxBlockSize);
		}

		private void check(boolean valid, String rule, long value) {
			if (!valid) {
				throw new IllegalArgumentException(
						"Allocator '" + this.name + "': " + rule + ", was " + value);
			}
		}

	}

}
