package dev.posm;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

import dev.posm.alloc.Block;
import org.jspecify.annotations.Nullable;

/**
 * Watches one block for the garbage collector: registered once, when the block gets its
 * first lease handle, it runs when the block's memory becomes unreachable and reports it
 * if a holder still had it. It must not refer to the block, the allocator or an agent,
 * or they would never become unreachable: it knows only the tally of the current lease.
 *
 * @author posm
 */
final class LeakProbe implements Runnable {

	private static final Cleaner CLEANER = Cleaner.create();

	private static final System.Logger logger = System.getLogger("dev.posm.leak");

	private final String allocator;

	private final int capacity;

	/** What the collector does not free by itself (Netty's memory), and how to free it. */
	private final @Nullable Object resource;

	private final @Nullable Consumer<Object> resourceRelease;

	// written by holders without synchronization: the collector's safepoint orders them
	// before the cleaner thread reads them

	private @Nullable Tally owner;

	private @Nullable Throwable takenAt;

	private LeakProbe(StoreAllocator allocator, Block block) {
		this.allocator = allocator.name();
		this.capacity = block.capacity();
		Consumer<Object> resourceRelease = allocator.leakedResourceRelease;
		this.resource = (resourceRelease != null) ? block.resource() : null;
		this.resourceRelease = resourceRelease;
	}

	static @Nullable LeakProbe watch(Block block, StoreAllocator allocator) {
		if (allocator.leakDetection == LeakDetection.DISABLED) {
			return null;
		}
		LeakProbe probe = new LeakProbe(allocator, block);
		CLEANER.register(block.memory(), probe);
		return probe;
	}

	void leased(Tally owner, @Nullable Throwable takenAt) {
		this.owner = owner;
		this.takenAt = takenAt;
	}

	void ended() {
		this.owner = null;
		this.takenAt = null;
	}

	@Override
	public void run() {
		Tally owner = this.owner;
		if (owner == null) {
			return;
		}
		boolean retire;
		owner.lock();
		try {
			retire = owner.leaked(this.capacity);
		}
		finally {
			owner.unlock();
		}
		if (retire) {
			owner.retire();
		}
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
