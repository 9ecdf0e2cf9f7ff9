package dev.posm.autoconfigure.aop;

import org.jspecify.annotations.Nullable;

import dev.posm.Operation;

/**
 * Told of every operation an {@code @AsyncAgent} method begins: to observe operations
 * (spans, timers). A bean of this type is picked up by the {@code @AsyncAgent} advisor.
 *
 * @author posm
 * @see Operation#whenClosed(Runnable)
 */
@FunctionalInterface
public interface OperationListener {

	/**
	 * Called on the calling thread when an operation begins, before the method runs.
	 * @param operation the operation, whose agent is {@link Operation#agent()}
	 * @return a scope to close on the calling thread when the method returns (its
	 * result may complete later), or {@code null}
	 */
	@Nullable Scope begun(Operation operation);

	/**
	 * What a listener opens on the calling thread while the method runs.
	 */
	@FunctionalInterface
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
