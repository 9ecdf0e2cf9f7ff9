package dev.posm;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

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
 * <p>
 * The current operation is bound to a thread. It follows the work to another thread
 * where the work is handed over through posm, and only there:
 * <table>
 * <caption>Where the operation follows the work</caption>
 * <tr><th>work handed over with</th><th>the operation</th></tr>
 * <tr><td>the same thread, and the body of an {@code @AsyncAgent} method</td><td>follows</td></tr>
 * <tr><td>{@link #supplyAsync}, {@link #runAsync}, {@link #wrap(Executor)},
 * {@link #wrap(Runnable)}, {@link #wrap(Callable)}</td><td>follows (virtual threads
 * too)</td></tr>
 * <tr><td>{@code @Async} and Spring Boot's task executors (posm's task decorator),
 * Reactor chains returned by {@code @AsyncAgent} methods</td><td>follows (with
 * posm's auto-configuration)</td></tr>
 * <tr><td>{@code CompletableFuture.supplyAsync(..)}, a plain executor,
 * {@code new Thread}</td><td>is left behind: {@link #allocate} takes from the default
 * allocator, and warns once per agent where it can tell that an operation was most
 * likely meant</td></tr>
 * </table>
 * A task handed over while an operation is current runs in that operation even if it
 * completed meanwhile: a take then throws {@link IllegalStateException}, as
 * {@link Operation#allocate} does after completion. Let the operation wait for such
 * tasks (return or compose their futures).
 *
 * @author posm
 */
public final class Posms {

	private static volatile @Nullable PosmAllocator defaultAllocator;

	/** Where {@code CompletableFuture} runs async work when given no executor, carrying the operation. */
	private static final Executor defaultAsyncExecutor = new CarryingExecutor(
			new CompletableFuture<Void>().defaultExecutor());

	private Posms() {
	}

	/**
	 * Take a POSM from the current operation, else from the default allocator (then it
	 * is the caller's to release).
	 * <p>
	 * Outside every operation, work that most likely belongs to one (on a thread started
	 * inside an operation that still runs, or on the common {@code ForkJoinPool} or a
	 * Reactor scheduler while an {@code @AsyncAgent} operation runs, and not handed over
	 * through posm) is reported: once per agent name on the logger
	 * {@code dev.posm.misuse}, naming the agent and the fix, or, under
	 * {@link LeakDetection#PARANOID}, by an {@link IllegalStateException} with the same
	 * message in place of the take. To take from the default allocator on purpose there,
	 * use {@code Posms.defaultAllocator().allocate(size)}.
	 * @param size the size in bytes
	 * @return the POSM
	 * @throws IllegalArgumentException if the size is negative
	 * @throws IllegalStateException if the current operation has completed, or, under
	 * paranoid leak detection, if the work most likely left its operation behind
	 */
	public static Posm allocate(int size) {
		ThreadBinding binding = ThreadBinding.current();
		Operation operation = binding.operation;
		return (operation != null) ? operation.allocate(size) : allocateOutside(binding, size);
	}

	private static Posm allocateOutside(ThreadBinding binding, int size) {
		Allocators.checkSize(size);
		if (!binding.isHandedOver()) {
			LostOperations.check(binding, size);
		}
		return defaultAllocator().allocate(size);
	}

	/**
	 * Return the allocator of the current operation's agent, else the default allocator.
	 * @return the allocator
	 */
	public static PosmAllocator currentAllocator() {
		Operation operation = currentOperation();
		return (operation != null) ? operation.agent().allocator() : defaultAllocator();
	}

	/**
	 * Return the agent of the current operation.
	 * @return the agent, empty outside every operation
	 */
	public static Optional<Agent> currentAgent() {
		Operation operation = currentOperation();
		return (operation != null) ? Optional.of(operation.agent()) : Optional.empty();
	}

	/**
	 * Return the operation bound to this thread.
	 * @return the operation or {@code null}
	 */
	public static @Nullable Operation currentOperation() {
		return ThreadBinding.current().operation;
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
		ThreadBinding binding = ThreadBinding.current();
		Operation previous = binding.operation;
		binding.operation = operation;
		return previous;
	}

	/**
	 * Return a task that runs in the operation current now (or in none, if none is),
	 * whichever thread runs it: for {@code ExecutorService.submit} and the like.
	 * @param task the task
	 * @return the task that carries the operation
	 */
	public static Runnable wrap(Runnable task) {
		return new CarriedTask.CarriedRunnable(task);
	}

	/**
	 * Return a task that runs in the operation current now (or in none, if none is),
	 * whichever thread runs it.
	 * @param <V> the type of the task's result
	 * @param task the task
	 * @return the task that carries the operation
	 */
	public static <V> Callable<V> wrap(Callable<V> task) {
		return new CarriedTask.CarriedCallable<>(task);
	}

	/**
	 * Return an executor whose tasks run in the operation that is current where each is
	 * handed to it (or in none): for {@code CompletableFuture}'s {@code *Async} methods,
	 * Reactor's {@code Schedulers.fromExecutor}, or any code that takes an executor.
	 * @param executor the executor that runs the tasks
	 * @return the executor that carries the operation, the given one if it does already
	 */
	public static Executor wrap(Executor executor) {
		Objects.requireNonNull(executor, "executor must not be null");
		return (executor instanceof CarryingExecutor) ? executor : new CarryingExecutor(executor);
	}

	/**
	 * {@link CompletableFuture#supplyAsync(Supplier)} in the current operation: the
	 * supplier runs in it, so what it takes with {@link #allocate} is the operation's,
	 * given back when the operation completes.
	 * @param <T> the type of the value
	 * @param supplier the work
	 * @return the future of its value
	 */
	public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier) {
		Objects.requireNonNull(supplier, "supplier must not be null");
		return CompletableFuture.supplyAsync(supplier, defaultAsyncExecutor);
	}

	/**
	 * {@link CompletableFuture#supplyAsync(Supplier, Executor)} in the current operation.
	 * @param <T> the type of the value
	 * @param supplier the work
	 * @param executor the executor that runs it
	 * @return the future of its value
	 */
	public static <T> CompletableFuture<T> supplyAsync(Supplier<T> supplier, Executor executor) {
		Objects.requireNonNull(supplier, "supplier must not be null");
		return CompletableFuture.supplyAsync(supplier, wrap(executor));
	}

	/**
	 * {@link CompletableFuture#runAsync(Runnable)} in the current operation.
	 * @param task the work
	 * @return the future of its completion
	 */
	public static CompletableFuture<Void> runAsync(Runnable task) {
		Objects.requireNonNull(task, "task must not be null");
		return CompletableFuture.runAsync(task, defaultAsyncExecutor);
	}

	/**
	 * {@link CompletableFuture#runAsync(Runnable, Executor)} in the current operation.
	 * @param task the work
	 * @param executor the executor that runs it
	 * @return the future of its completion
	 */
	public static CompletableFuture<Void> runAsync(Runnable task, Executor executor) {
		Objects.requireNonNull(task, "task must not be null");
		return CompletableFuture.runAsync(task, wrap(executor));
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
