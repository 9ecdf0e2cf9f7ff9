package dev.posm;

/**
 * How hard an allocator looks for POSMs that are dropped without being released.
 *
 * @author posm
 */
public enum LeakDetection {

	/**
	 * No tracking: a dropped POSM is freed by the garbage collector and not counted.
	 */
	DISABLED,

	/**
	 * A dropped POSM is found with the garbage collector's help, counted as a leak and
	 * as reclaimed. Costs nothing on the hot path.
	 */
	SIMPLE,

	/**
	 * As {@link #SIMPLE}, and each POSM records where it was taken, so that a leak is
	 * logged with that stack; a result that is a POSM's own buffer is reported. Slower:
	 * use it to hunt leaks, not in production.
	 */
	PARANOID

}
