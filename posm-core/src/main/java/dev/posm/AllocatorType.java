package dev.posm;

/**
 * The recycling strategies of {@link Allocators}.
 *
 * @author posm
 */
public enum AllocatorType {

	/**
	 * A fresh buffer for every POSM: the baseline that ignores recycling.
	 */
	UNPOOLED,

	/**
	 * One shared, lock-free pool of power-of-two size classes, bounded by its retained
	 * bytes.
	 */
	POOLED,

	/**
	 * {@link #POOLED} plus a small cache per platform thread; virtual threads go
	 * straight to the shared pool.
	 */
	RECYCLING,

	/**
	 * Blocks carved from one contiguous direct region; what does not fit is pooled.
	 */
	SLAB,

	/**
	 * An adapter over Netty's pooled allocator (needs {@code io.netty:netty-buffer}).
	 */
	NETTY;

	/**
	 * Return the name of this type as written in configuration.
	 * @return the lower-case name
	 */
	public String id() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
