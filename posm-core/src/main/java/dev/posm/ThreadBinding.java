package dev.posm;

import java.lang.ref.WeakReference;

import org.jspecify.annotations.Nullable;

/**
 * What {@link Posms} binds to one thread: the current operation, whether posm handed
 * the work that runs now to this thread (then its context is known, operation or none),
 * and the operation the thread was started in, if any. Only its own thread touches it.
 * <p>
 * A thread started inside an operation does not take part in it (the work it runs may
 * belong to anyone), but it remembers that operation, weakly, so that a take that finds
 * no operation there can be reported while that operation still runs.
 *
 * @author posm
 */
final class ThreadBinding {

	private static final InheritableThreadLocal<ThreadBinding> current = new InheritableThreadLocal<>() {

		@Override
		protected ThreadBinding initialValue() {
			return new ThreadBinding(null, 0);
		}

		@Override
		protected ThreadBinding childValue(ThreadBinding parent) {
			// runs on the parent thread, while it constructs the child
			Operation operation = parent.operation;
			if (operation == null) {
				return new ThreadBinding(parent.startedIn, parent.startedInStamp);
			}
			return new ThreadBinding(new WeakReference<>(operation), operation.stamp());
		}

	};

	@Nullable Operation operation;

	/** Tasks handed over by posm that run on this thread now, one inside the other. */
	private int handedOver;

	private final @Nullable WeakReference<Operation> startedIn;

	/** The stamp of the operation {@link #startedIn} stood for: a handle may be restarted. */
	private final long startedInStamp;

	private ThreadBinding(@Nullable WeakReference<Operation> startedIn, long startedInStamp) {
		this.startedIn = startedIn;
		this.startedInStamp = startedInStamp;
	}

	/**
	 * Return the binding of the calling thread.
	 */
	static ThreadBinding current() {
		return current.get();
	}

	/**
	 * Begin running work that posm handed over with the given operation, or none.
	 * @return the operation to restore with {@link #leave}
	 */
	@Nullable Operation enter(@Nullable Operation operation) {
		Operation previous = this.operation;
		this.operation = operation;
		this.handedOver++;
		return previous;
	}

	/**
	 * End running work that posm handed over.
	 */
	void leave(@Nullable Operation previous) {
		this.operation = previous;
		this.handedOver--;
	}

	/**
	 * Whether the work that runs now was handed over by posm: its context is known.
	 */
	boolean isHandedOver() {
		return this.handedOver > 0;
	}

	/**
	 * Return the operation this thread was started in, if it still runs.
	 */
	@Nullable Operation startedInRunningOperation() {
		WeakReference<Operation> startedIn = this.startedIn;
		Operation operation = (startedIn != null) ? startedIn.get() : null;
		return (operation != null && operation.isRunning(this.startedInStamp)) ? operation : null;
	}

}
