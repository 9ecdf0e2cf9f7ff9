package dev.posm;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * The lease state machine of a {@link Posm}: whoever races for it, a lease ends exactly
 * once, and its counters say how.
 *
 * @author posm
 */
public final class LeaseStress {

	private LeaseStress() {
	}

	static Agents agents() {
		return Agents.builder(Allocators.pooled("jcstress").maxRetained(1 << 20).build()).build();
	}

	static int released(Posm posm) {
		try {
			posm.release();
			return 1;
		}
		catch (IllegalStateException ex) {
			return 0;
		}
	}

	/**
	 * The holder releases while its operation completes on another thread: either the
	 * release or the reclaim ends the lease, never both, never neither.
	 */
	@JCStressTest
	@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "released, then the operation found nothing")
	@Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "reclaimed, then the release was refused")
	@Outcome(expect = Expect.FORBIDDEN, desc = "the lease ended twice or not at all")
	@State
	public static class ReleaseRacingReclaim {

		private final Agent agent = agents().open("lease");

		private final Operation operation = this.agent.begin();

		private final Posm posm = this.operation.allocate(4096);

		@Actor
		public void holder(JJJ_Result result) {
			result.r1 = released(this.posm);
		}

		@Actor
		public void completion() {
			this.operation.close();
		}

		@Arbiter
		public void counters(JJJ_Result result) {
			AgentStats stats = this.agent.stats();
			result.r2 = stats.reclaimed();
			result.r3 = stats.bytesInUse();
		}

	}

	/**
	 * Two threads release one POSM: one wins, the other is refused, and it is counted
	 * once.
	 */
	@JCStressTest
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "the first released")
	@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE, desc = "the second released")
	@Outcome(expect = Expect.FORBIDDEN, desc = "released twice, or lost")
	@State
	public static class TwoReleases {

		private final PosmAllocator allocator = Allocators.pooled("jcstress").build();

		private final Posm posm = this.allocator.allocate(4096);

		@Actor
		public void first(III_Result result) {
			result.r1 = released(this.posm);
		}

		@Actor
		public void second(III_Result result) {
			result.r2 = released(this.posm);
		}

		@Arbiter
		public void counters(III_Result result) {
			AllocatorStats stats = this.allocator.stats();
			result.r3 = (int) ((stats.bytesInUse() == 0) ? stats.releases() : -1);
		}

	}

	/**
	 * A stale handle of a completed operation is closed while the agent begins its next
	 * operation on the same reused state: the new operation is never closed by it.
	 */
	@JCStressTest
	@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "the new operation runs, holding its POSM")
	@Outcome(expect = Expect.FORBIDDEN, desc = "the stale handle reached the new operation")
	@State
	public static class StaleOperationHandle {

		private final Agent agent = agents().open("stale");

		private final Operation stale;

		private Operation next;

		private Posm posm;

		public StaleOperationHandle() {
			this.stale = this.agent.begin();
			this.stale.close();
		}

		@Actor
		public void staleHolder() {
			this.stale.close();
			this.stale.markFailed();
		}

		@Actor
		public void nextOperation() {
			this.next = this.agent.begin();
			this.posm = this.next.allocate(100);
		}

		@Arbiter
		public void check(II_Result result) {
			result.r1 = this.next.isClosed() ? 1 : 0;
			result.r2 = this.next.holds(this.posm.buffer()) ? 1 : 0;
		}

	}

}
