package dev.posm.alloc;

import java.nio.ByteBuffer;

/**
 * Where the direct memory of posm's stores comes from, and what becomes of it when a
 * store drops a block: one over {@code max-retained}, trimmed, given back to an
 * {@code unpooled} allocator or to one that was closed.
 * <p>
 * This is the class of Java 17 to 24: blocks are {@link ByteBuffer#allocateDirect
 * allocateDirect} buffers, and a dropped one is left to the garbage collector, which
 * frees its memory once no view of it is reachable. A stale view (a buffer kept past
 * its release) therefore never touches freed memory, but the memory of dropped blocks
 * stays allocated until a collection finds it. The jar carries another version of this
 * class for Java 25 and later ({@code META-INF/versions/25}), which frees a dropped
 * block at once.
 *
 * @author posm
 */
public final class DirectMemory {

	private DirectMemory() {
	}

	/**
	 * Return whether the memory of a direct block that posm drops is freed at once on
	 * this JVM, rather than by the garbage collector.
	 * @return {@code false} here: on Java 17 to 24 the collector frees it
	 * @throws IllegalArgumentException if the system property
	 * {@code dev.posm.direct-memory.free-at-once} is neither {@code true} nor
	 * {@code false}
	 */
	public static boolean freesAtOnce() {
		DirectMemoryProperty.check();
		return false;
	}

	/**
	 * Return a new direct block of its own memory.
	 */
	static Block newBlock(int capacity, int sizeClass) {
		return new Block(ByteBuffer.allocateDirect(capacity), sizeClass, null);
	}

	/**
	 * Free the memory of a dropped block: the blocks of this version have no owner to
	 * free, so this is never called.
	 */
	static void free(Object memoryOwner) {
	}

}
