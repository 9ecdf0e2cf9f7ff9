package dev.posm.alloc;

/**
 * posm's size classes: powers of two from {@value #MIN_BLOCK_SIZE} bytes up.
 *
 * @author posm
 */
public final class SizeClasses {

	/** The smallest block: a POSM of fewer bytes gets this many. */
	public static final int MIN_BLOCK_SIZE = 64;

	private static final int MIN_CLASS_SHIFT = Integer.numberOfTrailingZeros(MIN_BLOCK_SIZE);

	private SizeClasses() {
	}

	/**
	 * Return the size class that serves the given size.
	 * @param size the size in bytes
	 * @return the class, 0 for {@value #MIN_BLOCK_SIZE} bytes
	 */
	public static int classOf(int size) {
		return (size <= MIN_BLOCK_SIZE) ? 0
				: (Integer.SIZE - Integer.numberOfLeadingZeros(size - 1)) - MIN_CLASS_SHIFT;
	}

	/**
	 * Return the capacity of the blocks of the given class.
	 * @param sizeClass the class
	 * @return the capacity in bytes
	 */
	public static int capacity(int sizeClass) {
		return MIN_BLOCK_SIZE << sizeClass;
	}

}
