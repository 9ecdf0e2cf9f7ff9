package dev.posm;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * An opened agent's counters read while its operation runs: every snapshot is one that
 * the operation passed through, never a mix of two.
 *
 * @author posm
 */
@JCStressTest
@Outcome(id = "0, 0, 0, 0", expect = Expect.ACCEPTABLE, desc = "before begin")
@Outcome(id = "1, 1, 0, 0", expect = Expect.ACCEPTABLE, desc = "begun")
@Outcome(id = "1, 1, 1, 4096", expect = Expect.ACCEPTABLE, desc = "holding its POSM")
@Outcome(id = "1, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "released")
@Outcome(id = "1, 0, 1, 0", expect = Expect.ACCEPTABLE, desc = "completed")
@Outcome(expect = Expect.FORBIDDEN, desc = "a snapshot no state of the operation had")
@State
public class TallyStress {

	private final Agent agent = LeaseStress.agents().open("counted");

	@Actor
	public void operation() {
		try (Operation operation = this.agent.begin()) {
			operation.allocate(4096).release();
		}
	}

	@Actor
	public void reader(LLLL_Result result) {
		AgentStats stats = this.agent.stats();
		result.r1 = stats.operations();
		result.r2 = stats.activeOperations();
		result.r3 = stats.allocations();
		result.r4 = stats.bytesInUse();
	}

}
