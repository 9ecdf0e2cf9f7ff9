package dev.posm;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An executor whose tasks run in the operation that was current where each was handed
 * to it: see {@link Posms#wrap(Executor)}.
 *
 * @author posm
 */
final class CarryingExecutor implements Executor {

	private final Executor executor;

	CarryingExecutor(Executor executor) {
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
	}

	@Override
	public void execute(Runnable task) {
		this.executor.execute(new CarriedTask.CarriedRunnable(task));
	}

	@Override
	public String toString() {
		return "CarryingExecutor[" + this.executor + "]";
	}

}
