package dev.posm;

/**
 * A snapshot of the counters of every agent of one name: the shared agent and all the
 * agents opened under that name. Bytes are block capacities.
 *
 * @param operations operations begun
 * @param activeOperations operations begun and not yet completed
 * @param failedOperations operations that completed with an error or were cancelled
 * @param allocations POSMs taken by the operations
 * @param recycled POSMs served by reuse: the agent's cache or the allocator's; over a
 * {@code netty} allocator none, since Netty does not say which take it served by reuse
 * (the allocator's own stats count it)
 * @param reclaimed POSMs an operation did not release and posm took back when it
 * completed
 * @param bytesInUse bytes held by the operations of every agent of the name now
 * @param peakBytesInUse the most bytes one agent of the name held at once: for the
 * shared agent, all its concurrent operations; for opened agents (one per connection,
 * say), the largest footprint of any one of them
 * @param refused takes refused by a budget ({@code max-bytes-in-use},
 * {@code max-total-bytes-in-use})
 * @author posm
 */
public record AgentStats(long operations, long activeOperations, long failedOperations, long allocations,
		long recycled, long reclaimed, long bytesInUse, long peakBytesInUse, long refused) {

	/**
	 * Create stats with no refused take.
	 * @param operations operations begun
	 * @param activeOperations operations begun and not yet completed
	 * @param failedOperations operations that completed with an error or were cancelled
	 * @param allocations POSMs taken by the operations
	 * @param recycled POSMs served by reuse
	 * @param reclaimed POSMs posm took back
	 * @param bytesInUse bytes held now
	 * @param peakBytesInUse the most bytes one agent of the name held at once
	 */
	public AgentStats(long operations, long activeOperations, long failedOperations, long allocations,
			long recycled, long reclaimed, long bytesInUse, long peakBytesInUse) {
		this(operations, activeOperations, failedOperations, allocations, recycled, reclaimed, bytesInUse,
				peakBytesInUse, 0);
	}

}
