package dev.posm.alloc;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * Where the direct memory of posm's stores comes from, and what becomes of it when a
 * store drops a block: one over {@code max-retained}, trimmed, given back to an
 * {@code unpooled} allocator or to one that was closed.
 * <p>
 * This is the class of Java 25 and later ({@code META-INF/versions/25} of the jar):
 * every direct block is the memory of a {@link Arena#ofShared() shared arena} of its
 * own, seen through the {@link ByteBuffer} of its segment, and a dropped block has its
 * arena closed at once, which frees the memory there and then. Closing a shared arena
 * is the JDK's safe way to free memory that other threads may still see: every access
 * through any view of it (the buffer, its duplicates and slices, a segment made from
 * it, the JDK's channels, checksums and ciphers) checks the arena, and the close makes
 * sure, thread by thread, that none is in the middle of such an access when the memory
 * goes. A stale view, a buffer its holder
 * kept past the release, therefore throws {@link IllegalStateException} once the block
 * is dropped: it can neither read nor write memory that was freed. Code that reads a
 * buffer's address and goes around the JDK (JNI, {@code sun.misc.Unsafe}) is not
 * covered.
 * <p>
 * A close fails while an I/O operation of the JDK holds the memory (a stale view handed
 * to a channel, or a reclaimed POSM whose read is still pending). That memory stays, and
 * a cleaner frees it once no view of it is reachable, as the collector frees an
 * {@code allocateDirect} buffer; the same cleaner frees the blocks that become
 * unreachable without being dropped (a POSM dropped without release, the pool of an
 * allocator nobody closed).
 * <p>
 * Java 22 to 24 have the API, but some of their JDK code reads such buffers without
 * checking the arena (JDK-8357145, JDK-8357268): they keep the collector's way. Closing
 * a shared arena reaches every thread (a handshake), so a drop costs some microseconds:
 * nothing on the hot path of a pool that keeps its blocks, every release of an
 * {@code unpooled} allocator. Arenas are not counted in the JDK's direct buffer pool
 * ({@code jvm.buffer.memory.used}) nor bounded by {@code -XX:MaxDirectMemorySize}: posm's
 * stats and budgets count and bound this memory. The system property
 * {@code dev.posm.direct-memory.free-at-once=false} keeps {@code allocateDirect} and
 * the collector's way.
 *
 * @author posm
 */
public final class DirectMemory {

	private static final boolean FREE_AT_ONCE = DirectMemoryProperty.freeAtOnce();

	/** What frees the arenas of blocks that were not dropped, or whose close failed. */
	private static final Cleaner CLEANER = Cleaner.create();

	private DirectMemory() {
	}

	/**
	 * Return whether the memory of a direct block that posm drops is freed at once on
	 * this JVM, rather than by the garbage collector.
	 * @return {@code true} unless the system property
	 * {@code dev.posm.direct-memory.free-at-once} is {@code false}
	 * @throws IllegalArgumentException if that property is neither {@code true} nor
	 * {@code false}
	 */
	public static boolean freesAtOnce() {
		DirectMemoryProperty.check();
		return FREE_AT_ONCE;
	}

	/**
	 * Return a new direct block of its own memory: its own arena.
	 */
	static Block newBlock(int capacity, int sizeClass) {
		if (!FREE_AT_ONCE) {
			return new Block(ByteBuffer.allocateDirect(capacity), sizeClass, null);
		}
		Arena arena = Arena.ofShared();
		ByteBuffer memory;
		try {
			memory = arena.allocate(capacity, Long.BYTES).asByteBuffer();
		}
		catch (RuntimeException | Error ex) {
			arena.close();
			throw ex;
		}
		ArenaOwner owner = new ArenaOwner(arena);
		owner.cleanable = CLEANER.register(memory, owner);
		return new Block(memory, sizeClass, null, owner);
	}

	/**
	 * Free the memory of a dropped block, which nobody holds and no store keeps.
	 */
	static void free(Object memoryOwner) {
		((ArenaOwner) memoryOwner).free();
	}

	/**
	 * The arena of one block, and what its cleaner runs. It refers to the arena only,
	 * never to the block's buffer, which would then never become unreachable.
	 */
	private static final class ArenaOwner implements Runnable {

		private final Arena arena;

		volatile Cleaner.@Nullable Cleanable cleanable;

		ArenaOwner(Arena arena) {
			this.arena = arena;
		}

		/**
		 * Close the arena of a dropped block; if the JDK holds it for an I/O, leave it to
		 * the cleaner.
		 */
		void free() {
			if (close()) {
				Cleaner.Cleanable cleanable = this.cleanable;
				if (cleanable != null) {
					// nothing left to clean: unregister, so the collector has one reference less to process
					cleanable.clean();
				}
			}
		}

		/**
		 * No view of the block's memory is reachable any more.
		 */
		@Override
		public void run() {
			if (!close()) {
				// a segment made from a view is still in an I/O: try again after the next collection
				CLEANER.register(new Object(), this);
			}
		}

		/**
		 * Close the arena unless an I/O operation of the JDK holds it.
		 * @return whether the arena is closed now
		 */
		private boolean close() {
			if (!this.arena.scope().isAlive()) {
				return true;
			}
			try {
				this.arena.close();
				return true;
			}
			catch (IllegalStateException ex) {
				// closed by a racing cleaner, or acquired by a channel, a checksum, a cipher
				return !this.arena.scope().isAlive();
			}
		}

	}

}
