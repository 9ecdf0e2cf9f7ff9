package dev.posm;

import java.util.Objects;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * A task that runs in the operation that was current where it was handed over (or in
 * none, if none was), whichever thread runs it, and then puts back what that thread had.
 * An operation that completed before the task runs stays completed: a take then throws
 * {@link IllegalStateException}, as {@link Operation#allocate} does after completion.
 *
 * @author posm
 */
abstract class CarriedTask {

	private final @Nullable Operation operation;

	private final Object task;

	private CarriedTask(Object task) {
		this.operation = Posms.currentOperation();
		this.task = Objects.requireNonNull(task, "task must not be null");
	}

	final @Nullable Operation enter(ThreadBinding binding) {
		return binding.enter(this.operation);
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + ((this.operation != null) ? this.operation : "no operation") + ", "
				+ this.task + "]";
	}

	static final class CarriedRunnable extends CarriedTask implements Runnable {

		private final Runnable runnable;

		CarriedRunnable(Runnable runnable) {
			super(runnable);
			this.runnable = runnable;
		}

		@Override
		public void run() {
			ThreadBinding binding = ThreadBinding.current();
			Operation previous = enter(binding);
			try {
				this.runnable.run();
			}
			finally {
				binding.leave(previous);
			}
		}

	}

	static final class CarriedCallable<V> extends CarriedTask implements Callable<V> {

		private final Callable<V> callable;

		CarriedCallable(Callable<V> callable) {
			super(callable);
			this.callable = callable;
		}

		@Override
		public V call() throws Exception {
			ThreadBinding binding = ThreadBinding.current();
			Operation previous = enter(binding);
			try {
				return this.callable.call();
			}
			finally {
				binding.leave(previous);
			}
		}

	}

}
