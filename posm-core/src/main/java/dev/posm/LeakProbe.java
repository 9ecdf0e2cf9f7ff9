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

	/** What the holder said it was serving when it took the memory. */
	private @Nullable String serving;

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
		this.serving = null;
	}

	void serving(@Nullable String serving) {
		this.serving = serving;
	}

	void ended() {
		this.owner = null;
		this.takenAt = null;
		this.serving = null;
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
		String leak = "LEAK: " + describe(owner) + " was dropped without release()";
		Throwable takenAt = this.takenAt;
		if (takenAt != null) {
			logger.log(Level.ERROR, leak + "; it was taken at:", takenAt);
		}
		else {
			logger.log(Level.WARNING, leak + "; set posm.leak-detection=paranoid (LeakDetection.PARANOID) to see "
					+ "where it was taken");
		}
	}

	private String describe(Tally owner) {
		StringBuilder leak = new StringBuilder("a POSM of ").append(this.capacity)
			.append(" bytes from allocator '")
			.append(this.allocator)
			.append('\'');
		AgentGroup agent = owner.group;
		String serving = this.serving;
		if (agent == null && serving == null) {
			return leak.toString();
		}
		if (agent != null) {
			leak.append(", taken by agent '").append(agent.name).append('\'');
		}
		if (serving != null) {
			leak.append((agent != null) ? " while serving " : ", taken while serving ").append(serving);
		}
		return leak.append(',').toString();
	}

}
