package dev.posm;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;

import org.jspecify.annotations.Nullable;

/**
 * Watches one operation state for the garbage collector: registered once, when the
 * state is made (states are reused, so this costs nothing per operation), it runs when
 * the state becomes unreachable and reports an operation that was still running, that
 * is, dropped without {@link Operation#close()}. It must not refer to the state or its
 * agent: it knows only the agent's tally.
 *
 * @author posm
 */
final class OperationProbe implements Runnable {

	private static final Cleaner CLEANER = Cleaner.create();

	private static final System.Logger logger = System.getLogger("dev.posm.leak");

	private final Tally tally;

	private final String agent;

	private final boolean paranoid;

	// written by the operation's threads without synchronization: the collector's
	// safepoint orders them before the cleaner thread reads them

	private boolean running;

	private @Nullable Throwable begunAt;

	private OperationProbe(Tally tally, String agent, boolean paranoid) {
		this.tally = tally;
		this.agent = agent;
		this.paranoid = paranoid;
	}

	static @Nullable OperationProbe watch(OperationState state, Tally tally, String agent,
			LeakDetection leakDetection) {
		if (leakDetection == LeakDetection.DISABLED) {
			return null;
		}
		OperationProbe probe = new OperationProbe(tally, agent, leakDetection == LeakDetection.PARANOID);
		CLEANER.register(state, probe);
		return probe;
	}

	void begun() {
		this.running = true;
		if (this.paranoid) {
			this.begunAt = new Throwable("Operation begun here");
		}
	}

	void ended() {
		this.running = false;
		this.begunAt = null;
	}

	@Override
	public void run() {
		if (!this.running) {
			return;
		}
		Tally tally = this.tally;
		boolean retire;
		tally.lock();
		try {
			tally.operationLeaks++;
			retire = tally.ended(true);
		}
		finally {
			tally.unlock();
		}
		if (retire) {
			tally.retire();
		}
		String message = "LEAK: an operation of agent '" + this.agent + "' was dropped without close(): it is "
				+ "counted as completed and failed, and the POSMs it held as leaks of their allocator";
		Throwable begunAt = this.begunAt;
		if (begunAt != null) {
			logger.log(Level.ERROR, message + "; it was begun at:", begunAt);
		}
		else {
			logger.log(Level.WARNING, message + "; set posm.leak-detection=paranoid "
					+ "(LeakDetection.PARANOID) to see where it was begun");
		}
	}

}
