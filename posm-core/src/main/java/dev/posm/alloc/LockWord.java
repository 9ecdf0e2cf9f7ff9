package dev.posm.alloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock word taken with one compare-and-set and given back with a release store: for
 * state that one thread nearly always owns, where a monitor would cost more. The word
 * lives in the guarded object itself, after a cache line of padding laid out by the
 * superclass, so that it never shares a line with the object allocated before it (such
 * as the array of stripes every thread reads).
 *
 * @author posm
 */
public abstract class LockWord extends LockWordPadding {

	private static final VarHandle LOCK;

	static {
		try {
			LOCK = MethodHandles.lookup().findVarHandle(LockWord.class, "lock", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	// a long, so that the JVM cannot put it in the gap after the object header, before
	// the padding: it must not share a line with the object allocated before this one
	@SuppressWarnings("unused") // through LOCK
	private volatile long lock;

	/**
	 * Take the lock, spinning (then yielding) while another thread has it.
	 */
	public final void lock() {
		if (!tryLock()) {
			lockContended();
		}
	}

	private void lockContended() {
		int spins = 0;
		while (!tryLock()) {
			if (++spins < 100) {
				Thread.onSpinWait();
			}
			else {
				Thread.yield();
			}
		}
	}

	/**
	 * Take the lock if it is free.
	 * @return whether it was taken
	 */
	public final boolean tryLock() {
		return LOCK.compareAndSet(this, 0L, 1L);
	}

	/**
	 * Give the lock back.
	 */
	public final void unlock() {
		LOCK.setRelease(this, 0L);
	}

}

/**
 * The cache line before a {@link LockWord}.
 */
@SuppressWarnings("unused")
abstract class LockWordPadding {

	private long p1, p2, p3, p4, p5, p6, p7;

}
