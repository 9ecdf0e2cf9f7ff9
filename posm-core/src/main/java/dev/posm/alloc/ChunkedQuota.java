package dev.posm.alloc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on bytes shared by many holders, leased to them in chunks: a holder asks for
 * more only when its own lease is used up and gives back what it has in excess, so a
 * steady take-and-give loop never writes this shared word, while the sum of what every
 * holder counts against its lease never exceeds the bound. A store's {@code max-retained}
 * is leased to its magazines this way, an agent name's {@code max-total-bytes-in-use} to
 * its agents.
 *
 * @author posm
 */
public final class ChunkedQuota {

	private final long bound;

	private final long chunk;

	private final AtomicLong available;

	/**
	 * Create a quota leased in chunks of the given size.
	 * @param bound the bound in bytes
	 * @param chunk the bytes a holder leases at a time, at least 1
	 */
	public ChunkedQuota(long bound, long chunk) {
		this.bound = bound;
		this.chunk = Math.max(1, chunk);
		this.available = new AtomicLong(bound);
	}

	/**
	 * Return the bound.
	 * @return the bound in bytes
	 */
	public long bound() {
		return this.bound;
	}

	/**
	 * Return the bytes a holder leases at a time.
	 * @return the chunk in bytes
	 */
	public long chunk() {
		return this.chunk;
	}

	/**
	 * Lease a chunk, or at least {@code needed} bytes if a chunk is no longer there.
	 * @param needed the bytes the holder cannot do without
	 * @return the bytes leased, 0 if not even {@code needed} is left
	 */
	public long lease(long needed) {
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

	/**
	 * Give back leased bytes.
	 * @param bytes the bytes, zero or more
	 */
	public void giveBack(long bytes) {
		if (bytes > 0) {
			this.available.addAndGet(bytes);
		}
	}

	/**
	 * Return the bytes not leased to any holder.
	 * @return the available bytes
	 */
	public long available() {
		return this.available.get();
	}

}
