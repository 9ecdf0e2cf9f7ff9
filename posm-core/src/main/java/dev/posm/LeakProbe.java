package dev.posm;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;

import org.jspecify.annotations.Nullable;

/**
 * Watches one block for the garbage collector: registered once, when the block is
 * created, it runs when the block becomes unreachable and reports it if a holder still
 * had it. It must not refer to the block, or the block would never become unreachable.
 *
 * @author posm
 */
final class LeakProbe implements Runnable {

	private static final Cleaner CLEANER = Cleaner.create();

	private static final System.Logger logger = System.getLogger("dev.posm.leak");

	private final AllocationCounters counters;

	private final String allocator;

	private final int capacity;

	// written by holders without synchronization: the collector's safepoint orders them
	// before the cleaner thread reads them
	boolean held;

	@Nullable Throwable takenAt;

	private LeakProbe(AllocationCounters counters, String allocator, int capacity) {
		this.counters = counters;
		this.allocator = allocator;
		this.capacity = capacity;
	}

	static @Nullable LeakProbe watch(Object block, LeakDetection level, AllocationCounters counters,
			String allocator, int capacity) {
		if (level == LeakDetection.DISABLED) {
			return null;
		}
		LeakProbe probe = new LeakProbe(counters, allocator, capacity);
		CLEANER.register(block, probe);
		return probe;
	}

	@Override
	public void run() {
		if (!this.held) {
			return;
		}
		this.counters.leaked(this.capacity);
		Throwable takenAt = this.takenAt;
		if (takenAt != null) {
			logger.log(Level.ERROR, "LEAK: a POSM of " + this.capacity + " bytes from allocator '" + this.allocator
					+ "' was dropped without release(); it was taken at:", takenAt);
		}
		else {
			logger.log(Level.WARNING, "LEAK: a POSM of " + this.capacity + " bytes from allocator '"
					+ this.allocator + "' was dropped without release(); set posm.leak-detection=paranoid "
					+ "(LeakDetection.PARANOID) to see where it was taken");
		}
	}

}
