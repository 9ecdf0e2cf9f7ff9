package dev.posm.autoconfigure.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import dev.posm.Operation;

/**
 * What the caller of an {@code @AsyncAgent} method gets in place of the stage the method
 * returned: it completes with the same value or exception, but only once the operation
 * has completed and released its POSMs. Cancelling it cancels the method's stage and
 * completes the operation all the same.
 *
 * @param <T> the type of the value
 * @author posm
 */
final class OperationFuture<T> extends CompletableFuture<T> {

	private final @Nullable Future<?> source;

	private final Operation operation;

	private OperationFuture(@Nullable Future<?> source, Operation operation) {
		this.source = source;
		this.operation = operation;
	}

	/**
	 * Return a future that completes as the given stage does, after the operation.
	 * @param <T> the type of the value
	 * @param stage what the method returned
	 * @param operation the operation of the call
	 * @param method the method
	 * @return the caller's future
	 */
	@SuppressWarnings("unchecked")
	static <T> CompletableFuture<T> completeAfter(CompletionStage<T> stage, Operation operation, AgentMethod method) {
		// the exact class: a subclass (or a minimal stage) may answer isDone() its own way
		if (stage.getClass() == CompletableFuture.class && ((CompletableFuture<T>) stage).isDone()) {
			// complete already: the operation completes before the caller even has it
			CompletableFuture<T> done = (CompletableFuture<T>) stage;
			if (done.isCompletedExceptionally()) {
				operation.markFailed();
			}
			else {
				method.checkResult(operation, done.getNow(null));
			}
			operation.close();
			return done;
		}
		OperationFuture<T> future = new OperationFuture<>((stage instanceof Future<?> source) ? source : null,
				operation);
		stage.whenComplete((value, failure) -> {
			if (failure != null) {
				operation.markFailed();
			}
			else {
				method.checkResult(operation, value);
			}
			operation.close();
			// the exception as the stage has it: a CompletionException stays one
			if (failure != null) {
				future.completeExceptionally(failure);
			}
			else {
				future.complete(value);
			}
		});
		return future;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		Future<?> source = this.source;
		if (source != null) {
			try {
				// completes the operation through whenComplete, then this future as cancelled
				source.cancel(mayInterruptIfRunning);
			}
			catch (UnsupportedOperationException ex) {
				// a minimal stage: it cannot be cancelled, the operation is completed below
			}
		}
		if (!this.operation.isClosed()) {
			// a stage that cannot be cancelled: release now, not when it completes
			this.operation.markFailed();
			this.operation.close();
		}
		return super.cancel(mayInterruptIfRunning) || isCancelled();
	}

	@Override
	public <U> CompletableFuture<U> newIncompleteFuture() {
		// the caller's dependent stages are plain futures, not operations
		return new CompletableFuture<>();
	}

	@Override
	public String toString() {
		return "OperationFuture[" + this.operation + "] " + super.toString();
	}

}
