package dev.posm;

/**
 * A snapshot of an allocator's counters. Exact once the operations it counts have
 * completed, and balanced: {@code allocations == releases + reclaimed + POSMs held now}.
 * Bytes are block capacities.
 *
 * @param allocations POSMs handed out ({@code recycled + fresh})
 * @param recycled POSMs served by reuse: an agent's cache, a thread cache or the pool
 * (for {@code netty}, Netty's pool)
 * @param fresh POSMs served by new memory (for {@code netty}, the takes for which Netty
 * allocated a chunk or a buffer too large for one)
 * @param releases POSMs released by their holder
 * @param reclaimed POSMs their holder did not release and posm took back (operation
 * completed, or dropped and found by the garbage collector)
 * @param bytesInUse bytes held by POSM holders now
 * @param peakBytesInUse the highest {@code bytesInUse} seen
 * @param retainedBytes bytes kept for reuse by the allocator (pool and thread caches)
 * @author posm
 */
public record AllocatorStats(long allocations, long recycled, long fresh, long releases, long reclaimed,
		long bytesInUse, long peakBytesInUse, long retainedBytes) {

	/**
	 * Return the POSMs held now: {@code allocations - releases - reclaimed}.
	 * @return the POSMs held now
	 */
	public long held() {
		return this.allocations - this.releases - this.reclaimed;
	}

	/**
	 * Return the share of allocations served by reuse, between 0 and 1.
	 * @return the recycling ratio, 0 when nothing was allocated
	 */
	public double recycledRatio() {
		return (this.allocations != 0) ? (double) this.recycled / this.allocations : 0;
	}

}
