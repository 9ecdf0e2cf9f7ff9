package dev.posm.nio;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The future of one channel call. It completes only once the call's POSMs are released,
 * even when it is completed from outside: {@link #cancel cancel}, {@link #complete
 * complete} and {@link #completeExceptionally completeExceptionally} (and so
 * {@code orTimeout} and {@code completeOnTimeout}) ask the call to stop, and the outcome
 * they give is delivered as soon as its I/O has ended and its memory is back. Releasing
 * memory that a channel may still be filling would hand it to the next operation while
 * in use.
 *
 * @author posm
 */
final class CallFuture extends CompletableFuture<Integer> {

	private static final Object RUNNING = new Object();

	private static final Object DELIVERED = new Object();

	private static final Object CANCELLED = new Object();

	// RUNNING, then DELIVERED or an outcome asked for from outside (then DELIVERED)
	private final AtomicReference<Object> state = new AtomicReference<>(RUNNING);

	private final ChannelCall call;

	CallFuture(ChannelCall call) {
		this.call = call;
	}

	/**
	 * Ask the call to stop and complete this future with a {@code CancellationException}
	 * once its memory is released. With {@code mayInterruptIfRunning}, a socket call is
	 * stopped by closing its channel, the only way NIO.2 offers; without, the I/O is left
	 * to end by itself. The future may still be incomplete for a moment after this
	 * returns {@code true}, and then is certain to end cancelled.
	 * @param mayInterruptIfRunning whether to close a socket channel to stop its I/O
	 * @return {@code true} if the cancellation will be the outcome
	 */
	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		return stop(CANCELLED, mayInterruptIfRunning);
	}

	/**
	 * Ask the call to stop (a socket call by closing its channel) and complete this
	 * future with the given value once its memory is released.
	 * @param value the value
	 * @return {@code true} if the value will be the outcome
	 */
	@Override
	public boolean complete(Integer value) {
		return stop(new Outcome(value, null), true);
	}

	/**
	 * Ask the call to stop (a socket call by closing its channel) and complete this
	 * future with the given exception once its memory is released.
	 * @param ex the exception
	 * @return {@code true} if the exception will be the outcome
	 */
	@Override
	public boolean completeExceptionally(Throwable ex) {
		Objects.requireNonNull(ex, "ex must not be null");
		return stop(new Outcome(null, ex), true);
	}

	private boolean stop(Object outcome, boolean interrupt) {
		if (!this.state.compareAndSet(RUNNING, outcome)) {
			return false;
		}
		if (interrupt) {
			this.call.abort();
		}
		return true;
	}

	boolean stopRequested() {
		return this.state.get() != RUNNING;
	}

	/**
	 * Complete with the call's result, or with the outcome asked for from outside.
	 * Called once, after the call's memory is released.
	 */
	void deliver(Integer result, @Nullable Throwable failure) {
		Object requested = this.state.getAndSet(DELIVERED);
		if (requested == RUNNING) {
			if (failure != null) {
				super.completeExceptionally(failure);
			}
			else {
				super.complete(result);
			}
		}
		else if (requested == CANCELLED) {
			super.cancel(false);
		}
		else if (requested instanceof Outcome outcome) {
			if (outcome.failure() != null) {
				super.completeExceptionally(outcome.failure());
			}
			else {
				super.complete(outcome.value());
			}
		}
	}

	private record Outcome(@Nullable Integer value, @Nullable Throwable failure) {

	}

}
