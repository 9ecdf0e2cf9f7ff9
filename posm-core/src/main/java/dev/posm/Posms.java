package dev.posm;

import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The current context: the operation bound to this thread, if any, and the default
 * allocator for code outside every operation. Code deep inside an agent's work takes
 * its POSMs here without being handed an allocator.
 * <pre class="code">
 * try (Posm scratch = Posms.allocate(4096)) {
 *     ...
 * }
 * </pre>
 *
 * @author posm
 */
public final class Posms {

	private static final ThreadLocal<Operation> current = new ThreadLocal<>();

	private static volatile @Nullable PosmAllocator defaultAllocator;

	private Posms() {
	}

	/**
	 * Take a POSM from the current operation, else from the default allocator (then it
	 * is the caller's to release).
	 * @param size the size in bytes
	 * @return the POSM
	 */
	public static Posm allocate(int size) {
		Operation operation = current.get();
		return (operation != null) ? operation.allocate(size) : defaultAllocator().allocate(size);
	}

	/**
	 * Return the allocator of the current operation's agent, else the default allocator.
	 * @return the allocator
	 */
	public static PosmAllocator currentAllocator() {
		Operation operation = current.get();
		return (operation != null) ? operation.agent().allocator() : defaultAllocator();
	}

	/**
	 * Return the agent of the current operation.
	 * @return the agent, empty outside every operation
	 */
	public static Optional<Agent> currentAgent() {
		Operation operation = current.get();
		return (operation != null) ? Optional.of(operation.agent()) : Optional.empty();
	}

	/**
	 * Return the operation bound to this thread.
	 * @return the operation or {@code null}
	 */
	public static @Nullable Operation currentOperation() {
		return current.get();
	}

	/**
	 * Bind an operation to this thread (or unbind with {@code null}) and return the one
	 * bound before, to be restored when the work is done:
	 * <pre class="code">
	 * Operation previous = Posms.setCurrentOperation(operation);
	 * try {
	 *     ...
	 * }
	 * finally {
	 *     Posms.setCurrentOperation(previous);
	 * }
	 * </pre>
	 * @param operation the operation to bind, or {@code null}
	 * @return the operation bound before, or {@code null}
	 */
	public static @Nullable Operation setCurrentOperation(@Nullable Operation operation) {
		Operation previous = current.get();
		if (operation != previous) {
			// set(null) rather than remove(): remove() clears a weak reference, a native
			// call that costs more than the whole binding
			current.set(operation);
		}
		return previous;
	}

	/**
	 * Return the allocator of code outside every operation: the one set with
	 * {@link #setDefaultAllocator}, else a recycling direct allocator named
	 * {@code default}, made on first use.
	 * @return the default allocator
	 */
	public static PosmAllocator defaultAllocator() {
		PosmAllocator allocator = defaultAllocator;
		if (allocator == null) {
			synchronized (Posms.class) {
				allocator = defaultAllocator;
				if (allocator == null) {
					allocator = Allocators.recycling("default").build();
					defaultAllocator = allocator;
				}
			}
		}
		return allocator;
	}

	/**
	 * Set the allocator of code outside every operation.
	 * @param allocator the allocator, or {@code null} for the built-in one
	 * @return the allocator set before, or {@code null}
	 */
	public static synchronized @Nullable PosmAllocator setDefaultAllocator(@Nullable PosmAllocator allocator) {
		PosmAllocator previous = defaultAllocator;
		defaultAllocator = allocator;
		return previous;
	}

	/**
	 * Set the default allocator back to {@code previous}, but only if it is still
	 * {@code expected}: for an application context that installed its own and closes.
	 * @param expected the allocator that was set
	 * @param previous the allocator to restore
	 */
	public static synchronized void restoreDefaultAllocator(PosmAllocator expected,
			@Nullable PosmAllocator previous) {
		Objects.requireNonNull(expected, "expected must not be null");
		if (defaultAllocator == expected) {
			defaultAllocator = previous;
		}
	}

}
