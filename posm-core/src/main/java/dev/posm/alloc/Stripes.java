package dev.posm.alloc;

/**
 * Spreads threads over a few stripes by thread id: no thread-local, so it works the same
 * for platform and virtual threads. Two threads rarely share a stripe; when they do,
 * the stripe's own lock sorts them out.
 *
 * @author posm
 */
public final class Stripes {

	private static final int COUNT = count(Runtime.getRuntime().availableProcessors());

	private Stripes() {
	}

	/**
	 * Return the number of stripes: a power of two, at least twice the processors.
	 * @return the stripe count
	 */
	public static int count() {
		return COUNT;
	}

	static int count(int processors) {
		int wanted = Math.max(2, Math.min(64, 2 * processors));
		return Integer.highestOneBit(wanted - 1) << 1;
	}

	/**
	 * Return the stripe of the current thread.
	 * @param mask the stripe count minus one
	 * @return the index of the current thread's stripe
	 */
	@SuppressWarnings("deprecation") // threadId() is Java 19+; getId() is the same value
	public static int index(int mask) {
		long id = Thread.currentThread().getId();
		// Fibonacci hashing: consecutive thread ids land on different stripes
		return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & mask;
	}

}
