package dev.posm.autoconfigure.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.reactivestreams.Publisher;
import reactor.core.CorePublisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.ClassUtils;

/**
 * How the completion of a method's result is observed, decided once from its declared
 * return type.
 *
 * @author posm
 */
enum ResultKind {

	/**
	 * A plain value, or none: the operation completes when the method returns or throws.
	 */
	VALUE,

	/**
	 * A {@link CompletionStage}: the operation completes when the stage does.
	 */
	STAGE,

	/**
	 * A Reactor {@code Mono}: the operation completes on its value, completion, error or
	 * cancellation.
	 */
	MONO,

	/**
	 * A Reactor {@code Flux}: the operation completes on its completion, error or
	 * cancellation.
	 */
	FLUX,

	/**
	 * A Reactive Streams {@code Publisher}, handled as a {@code Mono} or a {@code Flux}.
	 */
	PUBLISHER;

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Flux",
			ResultKind.class.getClassLoader());

	private static final boolean reactiveStreamsPresent = ClassUtils.isPresent("org.reactivestreams.Publisher",
			ResultKind.class.getClassLoader());

	/**
	 * Whether results of this kind are Reactor publishers (Reactor is then present).
	 * @return {@code true} for {@code MONO}, {@code FLUX} and {@code PUBLISHER}
	 */
	boolean isReactive() {
		return this == MONO || this == FLUX || this == PUBLISHER;
	}

	/**
	 * Return how the completion of the method's result is observed.
	 * @param method the method
	 * @param description the method, for messages
	 * @return the kind of result
	 * @throws InvalidAsyncAgentMethodException if the completion of the result cannot
	 * be observed
	 */
	static ResultKind of(Method method, String description) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			if (!type.isAssignableFrom(CompletableFuture.class)) {
				throw new InvalidAsyncAgentMethodException(description,
						"it declares " + type.getName() + ", but the caller gets a CompletableFuture that completes"
								+ " once the operation's POSMs are released",
						"Declare CompletionStage or CompletableFuture as its return type.");
			}
			return STAGE;
		}
		if (Future.class.isAssignableFrom(type)) {
			throw new InvalidAsyncAgentMethodException(description,
					"it returns " + type.getName() + ", a Future that is not a CompletionStage: its completion"
							+ " cannot be observed, so the operation's POSMs could not be released before the caller"
							+ " sees it complete",
					"Return a CompletableFuture or a CompletionStage (or a Reactor Mono or Flux).");
		}
		if (reactiveStreamsPresent && Reactive.isPublisher(type)) {
			if (!reactorPresent) {
				throw new InvalidAsyncAgentMethodException(description,
						"it returns " + type.getName() + " and Reactor is not on the classpath to observe its completion",
						"Add io.projectreactor:reactor-core, or return a CompletableFuture.");
			}
			return Reactive.kind(type, description);
		}
		return VALUE;
	}

	/**
	 * Touches Reactive Streams and Reactor types, so loaded only when they are present.
	 */
	private static final class Reactive {

		static boolean isPublisher(Class<?> type) {
			return Publisher.class.isAssignableFrom(type);
		}

		static ResultKind kind(Class<?> type, String description) {
			if (type == Mono.class) {
				return MONO;
			}
			if (type == Flux.class) {
				return FLUX;
			}
			if (type == Publisher.class || type == CorePublisher.class) {
				return PUBLISHER;
			}
			throw new InvalidAsyncAgentMethodException(description,
					"it returns " + type.getName() + ", a Publisher that posm cannot wrap in its place",
					"Declare Mono, Flux or Publisher as its return type.");
		}

	}

}
