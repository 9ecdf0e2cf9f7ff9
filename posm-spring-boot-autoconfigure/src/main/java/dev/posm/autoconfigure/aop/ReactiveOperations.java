package dev.posm.autoconfigure.aop;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import dev.posm.Operation;
import dev.posm.Posms;
import dev.posm.autoconfigure.context.OperationThreadLocalAccessor;

/**
 * Reactor results of {@code @AsyncAgent} methods: each subscription is one operation,
 * completed on the terminal signal or on cancellation, before the signal goes
 * downstream. The first subscription continues the operation of the call itself; each
 * later one (a retry, a repeat) is a new operation of the same agent.
 * <p>
 * The operation is the current one while the subscription is made and while demand is
 * signalled upstream (where sources such as {@code Mono.fromCallable} do their work),
 * and it is in the subscriber's context under {@link OperationThreadLocalAccessor#KEY},
 * so that Reactor's automatic context propagation makes it current on the threads the
 * chain moves to.
 *
 * @author posm
 */
final class ReactiveOperations {

	private ReactiveOperations() {
	}

	/**
	 * Return a publisher that completes the operation before its terminal signal reaches
	 * the caller.
	 * @param kind the kind of result, {@code MONO}, {@code FLUX} or {@code PUBLISHER}
	 * @param result what the method returned
	 * @param operation the operation of the call
	 * @param method the method
	 * @return what the caller gets
	 */
	static Object completeAfter(ResultKind kind, Object result, Operation operation, AgentMethod method) {
		Calls calls = new Calls(operation, method);
		if (result instanceof Mono<?> mono) {
			return mono(mono, calls);
		}
		Flux<?> flux = (result instanceof Flux<?> source) ? source : Flux.from((Publisher<?>) result);
		return flux(flux, calls);
	}

	private static <T> Mono<T> mono(Mono<T> source, Calls calls) {
		return new OperationMono<>(source, calls);
	}

	private static <T> Flux<T> flux(Flux<T> source, Calls calls) {
		return new OperationFlux<>(source, calls);
	}

	/**
	 * The operations of the subscriptions to one result.
	 */
	private static final class Calls {

		private final AtomicReference<@Nullable Operation> first;

		private final AgentMethod method;

		Calls(Operation first, AgentMethod method) {
			this.first = new AtomicReference<>(first);
			this.method = method;
		}

		Operation next() {
			Operation operation = this.first.getAndSet(null);
			return (operation != null) ? operation : this.method.agent().begin();
		}

	}

	private static final class OperationMono<T> extends MonoOperator<T, T> {

		private final Calls calls;

		OperationMono(Mono<T> source, Calls calls) {
			super(source);
			this.calls = calls;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			new OperationSubscriber<T>(actual, this.calls.next(), this.calls.method, true).subscribeTo(this.source);
		}

	}

	private static final class OperationFlux<T> extends FluxOperator<T, T> {

		private final Calls calls;

		OperationFlux(Flux<T> source, Calls calls) {
			super(source);
			this.calls = calls;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			new OperationSubscriber<T>(actual, this.calls.next(), this.calls.method, false).subscribeTo(this.source);
		}

	}

	/**
	 * Completes one operation before the terminal signal of its subscription goes
	 * downstream.
	 */
	private static final class OperationSubscriber<T> implements CoreSubscriber<T>, Subscription {

		private static final int RUNNING = 0;

		/** A Mono delivered its value: the operation completed before it went downstream. */
		private static final int VALUE = 1;

		private static final int DONE = 2;

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<OperationSubscriber> STATE = AtomicIntegerFieldUpdater
			.newUpdater(OperationSubscriber.class, "state");

		private final CoreSubscriber<? super T> actual;

		private final Operation operation;

		private final AgentMethod method;

		private final boolean mono;

		private final Context context;

		/** The operation downstream expects to be current: the one in its context. */
		private final @Nullable Operation downstreamOperation;

		private @Nullable Subscription upstream;

		private volatile int state;

		// where this subscriber made its operation current, and what was current before:
		// subscription and requests are serial, so one such scope at a time
		private @Nullable Thread bindingThread;

		private @Nullable Operation outside;

		OperationSubscriber(CoreSubscriber<? super T> actual, Operation operation, AgentMethod method, boolean mono) {
			this.actual = actual;
			this.operation = operation;
			this.method = method;
			this.mono = mono;
			Context downstream = actual.currentContext();
			Object expected = downstream.getOrDefault(OperationThreadLocalAccessor.KEY, null);
			this.downstreamOperation = (expected instanceof Operation current) ? current : null;
			this.context = downstream.put(OperationThreadLocalAccessor.KEY, operation);
		}

		void subscribeTo(Publisher<? extends T> source) {
			Operation previous = Posms.setCurrentOperation(this.operation);
			Thread bindingThread = this.bindingThread;
			Operation outside = this.outside;
			this.bindingThread = Thread.currentThread();
			this.outside = previous;
			try {
				source.subscribe(this);
			}
			finally {
				this.bindingThread = bindingThread;
				this.outside = outside;
				Posms.setCurrentOperation(previous);
			}
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				boolean swapped = leaveOperation();
				try {
					this.actual.onSubscribe(this);
				}
				finally {
					reenterOperation(swapped);
				}
			}
		}

		@Override
		public void onNext(T value) {
			if (this.mono) {
				if (!STATE.compareAndSet(this, RUNNING, VALUE)) {
					Operators.onNextDropped(value, this.context);
					return;
				}
				this.method.checkResult(this.operation, value);
				this.operation.close();
			}
			else {
				if (this.state == DONE) {
					Operators.onNextDropped(value, this.context);
					return;
				}
				this.method.checkResult(this.operation, value);
			}
			boolean swapped = leaveOperation();
			try {
				this.actual.onNext(value);
			}
			finally {
				reenterOperation(swapped);
			}
		}

		@Override
		public void onError(Throwable failure) {
			int previous = STATE.getAndSet(this, DONE);
			if (previous == DONE) {
				Operators.onErrorDropped(failure, this.context);
				return;
			}
			if (previous == RUNNING) {
				this.operation.markFailed();
				this.operation.close();
			}
			boolean swapped = leaveOperation();
			try {
				this.actual.onError(failure);
			}
			finally {
				reenterOperation(swapped);
			}
		}

		@Override
		public void onComplete() {
			int previous = STATE.getAndSet(this, DONE);
			if (previous == DONE) {
				return;
			}
			if (previous == RUNNING) {
				this.operation.close();
			}
			boolean swapped = leaveOperation();
			try {
				this.actual.onComplete();
			}
			finally {
				reenterOperation(swapped);
			}
		}

		@Override
		public void request(long n) {
			Subscription upstream = this.upstream;
			if (upstream == null) {
				return;
			}
			Operation previous = Posms.setCurrentOperation(this.operation);
			Thread bindingThread = this.bindingThread;
			Operation outside = this.outside;
			this.bindingThread = Thread.currentThread();
			this.outside = previous;
			try {
				upstream.request(n);
			}
			finally {
				this.bindingThread = bindingThread;
				this.outside = outside;
				Posms.setCurrentOperation(previous);
			}
		}

		@Override
		public void cancel() {
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.cancel();
			}
			if (STATE.getAndSet(this, DONE) == RUNNING) {
				this.operation.markFailed();
				this.operation.close();
			}
		}

		/**
		 * Before a signal goes downstream: if this operation is current (we made it so, or
		 * context propagation did), make current what downstream expects instead.
		 * @return whether this operation must be made current again afterwards
		 */
		private boolean leaveOperation() {
			if (Posms.currentOperation() != this.operation) {
				return false;
			}
			Posms.setCurrentOperation(
					(this.bindingThread == Thread.currentThread()) ? this.outside : this.downstreamOperation);
			return true;
		}

		private void reenterOperation(boolean swapped) {
			if (swapped) {
				Posms.setCurrentOperation(this.operation);
			}
		}

	}

}
