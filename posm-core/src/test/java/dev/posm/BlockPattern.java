package dev.posm;

import java.nio.ByteBuffer;

/**
 * A pattern that one holder writes over the whole of its buffer and checks later: if
 * another holder saw or changed the same memory meanwhile, the check fails.
 *
 * @author posm
 */
final class BlockPattern {

	private BlockPattern() {
	}

	/**
	 * Return a seed unique to one holder and one use of a block.
	 */
	static long seed(int thread, long iteration, int posm) {
		return ((long) thread << 48) ^ (iteration << 4) ^ posm ^ 0x5DEECE66DL;
	}

	/**
	 * Fill the buffer from 0 to its limit; position and limit stay.
	 */
	static void write(ByteBuffer buffer, long seed) {
		int limit = buffer.limit();
		int i = 0;
		for (; i + Long.BYTES <= limit; i += Long.BYTES) {
			buffer.putLong(i, seed * 31 + i);
		}
		for (; i < limit; i++) {
			buffer.put(i, (byte) (seed + i));
		}
	}

	/**
	 * Return the first index from 0 to the limit that does not hold the pattern, or -1.
	 */
	static int firstDamage(ByteBuffer buffer, long seed) {
		int limit = buffer.limit();
		int i = 0;
		for (; i + Long.BYTES <= limit; i += Long.BYTES) {
			if (buffer.getLong(i) != seed * 31 + i) {
				return i;
			}
		}
		for (; i < limit; i++) {
			if (buffer.get(i) != (byte) (seed + i)) {
				return i;
			}
		}
		return -1;
	}

}
