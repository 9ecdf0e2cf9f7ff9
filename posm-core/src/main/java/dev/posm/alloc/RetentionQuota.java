package dev.posm.alloc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a store may keep for reuse ({@code max-retained}), leased to its magazines in
 * chunks: a magazine asks for more only when its own share is used up and gives back
 * what it has in excess, so a steady take-and-give loop never writes this shared word,
 * while the sum of every magazine's retained bytes never exceeds the bound.
 *
 * @author posm
 */
final class RetentionQuota {

	private final long bound;

	private final long chunk;

	private final AtomicLong available;

	/**
	 * A quota of the given bound, leased in chunks of about a quarter of a magazine's
	 * fair share.
	 */
	RetentionQuota(long bound, int magazines) {
		this.bound = bound;
		this.chunk = Math.max(1, bound / (4L * magazines));
		this.available = new AtomicLong(bound);
	}

	long bound() {
		return this.bound;
	}

	long chunk() {
		return this.chunk;
	}

	/**
	 * Lease a chunk, or at least {@code needed} bytes if a chunk is no longer there.
	 * @return the bytes leased, 0 if not even {@code needed} is left
	 */
	long lease(long needed) {
		long wanted = Math.max(this.chunk, needed);
		long current = this.available.get();
		while (current >= needed) {
			long granted = Math.min(wanted, current);
			if (this.available.compareAndSet(current, current - granted)) {
				return granted;
			}
			current = this.available.get();
		}
		return 0;
	}

	void giveBack(long bytes) {
		if (bytes > 0) {
			this.available.addAndGet(bytes);
		}
	}

	/**
	 * Return the bytes not leased to any magazine.
	 */
	long available() {
		return this.available.get();
	}

}
