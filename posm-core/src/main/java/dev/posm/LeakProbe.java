package dev.posm;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

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

	// no reference to the allocator: the cleaner holds every probe, and an allocator's
	// pool holds its free blocks, so that would keep dropped allocators alive for good
	private final AllocationCounters counters;

	private final String allocator;

	private final int capacity;

	/** What the collector does not free by itself (Netty's memory), and how to free it. */
	private final @Nullable Object resource;

	private final @Nullable Consumer<Object> resourceRelease;

	// written by holders without synchronization: the collector's safepoint orders them
	// before the cleaner thread reads them
	boolean held;

	@Nullable Throwable takenAt;

	private LeakProbe(BlockAllocator allocator, int capacity, @Nullable Object resource) {
		this.counters = allocator.counters;
		this.allocator = allocator.name();
		this.capacity = capacity;
		Consumer<Object> resourceRelease = allocator.leakedResourceRelease();
		this.resource = (resourceRelease != null) ? resource : null;
		this.resourceRelease = resourceRelease;
	}

	static @Nullable LeakProbe watch(Object block, BlockAllocator allocator, int capacity,
			@Nullable Object resource) {
		if (allocator.leakDetection == LeakDetection.DISABLED) {
			return null;
		}
		LeakProbe probe = new LeakProbe(allocator, capacity, resource);
		CLEANER.register(block, probe);
		return probe;
	}

	@Override
	public void run() {
		if (!this.held) {
			return;
		}
		this.counters.leaked(this.capacity);
		Object resource = this.resource;
		Consumer<Object> resourceRelease = this.resourceRelease;
		if (resource != null && resourceRelease != null) {
			resourceRelease.accept(resource);
		}
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
