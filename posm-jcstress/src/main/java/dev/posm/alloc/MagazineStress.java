package dev.posm.alloc;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * A pool's magazines and retention quota under racing threads.
 *
 * @author posm
 */
public final class MagazineStress {

	private static final int SIZE = 4096;

	private MagazineStress() {
	}

	/**
	 * Two threads take from a pool that keeps one block: one of them may get it, never
	 * both.
	 */
	@JCStressTest
	@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "one got the kept block, the other a new one")
	@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "one got the kept block, the other a new one")
	@Outcome(expect = Expect.FORBIDDEN, desc = "the block went to two takers, or was lost")
	@State
	public static class TwoTakers {

		private final PooledStore store = new PooledStore(false, 1 << 20, 1 << 20);

		private final Block kept;

		private Block first;

		private Block second;

		public TwoTakers() {
			this.kept = this.store.take(SIZE);
			this.store.give(this.kept);
		}

		@Actor
		public void first() {
			this.first = this.store.take(SIZE);
		}

		@Actor
		public void second() {
			this.second = this.store.take(SIZE);
		}

		@Arbiter
		public void check(II_Result result) {
			result.r1 = (this.first == this.kept) ? 1 : 0;
			result.r2 = (this.second == this.kept) ? 1 : 0;
		}

	}

	/**
	 * A block given back while another thread takes: the taker gets it or a new one, and
	 * whatever it did not get is still kept.
	 */
	@JCStressTest
	@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the taker got the given block")
	@Outcome(id = "0, 4096", expect = Expect.ACCEPTABLE, desc = "the taker got a new block, the given one is kept")
	@Outcome(expect = Expect.FORBIDDEN, desc = "the given block was lost or counted wrong")
	@State
	public static class GiveRacingTake {

		private final PooledStore store = new PooledStore(false, 1 << 20, 1 << 20);

		private final Block given = this.store.take(SIZE);

		private Block taken;

		@Actor
		public void giver() {
			this.store.give(this.given);
		}

		@Actor
		public void taker() {
			this.taken = this.store.take(SIZE);
		}

		@Arbiter
		public void check(JJ_Result result) {
			result.r1 = (this.taken == this.given) ? 1 : 0;
			result.r2 = this.store.retainedBytes();
		}

	}

	/**
	 * Two threads give a block back to a pool that may keep only one: it keeps one, and
	 * never more than its bound, whichever magazines they land in.
	 */
	@JCStressTest
	@Outcome(id = "4096, 4096", expect = Expect.ACCEPTABLE, desc = "one kept, the bound held")
	@Outcome(expect = Expect.FORBIDDEN, desc = "the bound was broken, or nothing kept")
	@State
	public static class RetentionBound {

		private final PooledStore store = new PooledStore(false, SIZE, SIZE);

		private final Block first = this.store.take(SIZE);

		private final Block second = this.store.take(SIZE);

		@Actor
		public void first() {
			this.store.give(this.first);
		}

		@Actor
		public void second() {
			this.store.give(this.second);
		}

		@Arbiter
		public void check(JJ_Result result) {
			result.r1 = this.store.retainedBytes();
			result.r2 = this.store.quota().bound() - this.store.quota().available();
		}

	}

}
