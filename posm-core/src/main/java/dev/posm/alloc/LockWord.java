package dev.posm.alloc;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lock word taken with one compare-and-set and given back with a release store: for
 * state that one thread nearly always owns, where a monitor would cost more. It extends
 * {@link AtomicInteger} so that the word sits in the guarded object itself and the hot
 * path compiles to the bare instructions.
 *
 * @author posm
 */
@SuppressWarnings("serial") // never serialized
public abstract class LockWord extends AtomicInteger {

	/**
	 * Take the lock, spinning (then yielding) while another thread has it.
	 */
	public final void lock() {
		if (!compareAndSet(0, 1)) {
			lockContended();
		}
	}

	private void lockContended() {
		int spins = 0;
		while (!compareAndSet(0, 1)) {
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
		return compareAndSet(0, 1);
	}

	/**
	 * Give the lock back.
	 */
	public final void unlock() {
		lazySet(0);
	}

}
