package dev.posm.autoconfigure.context;

import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

import dev.posm.Posms;

/**
 * Makes the current operation follow the tasks that Reactor's schedulers run
 * ({@code subscribeOn}, {@code publishOn}, {@code delay...}), so that a chain returned
 * by an {@code @AsyncAgent} method takes from its operation on every thread it moves to,
 * without {@code spring.reactor.context-propagation=auto}.
 * <p>
 * It is a {@link Schedulers#onScheduleHook schedule hook} under {@link #KEY}: the
 * mechanism Reactor's own automatic propagation uses, narrowed to posm's one
 * thread-local. A task scheduled while no operation is current is left as it is (one
 * thread-local read), and with automatic context propagation enabled, that carries the
 * operation and this hook stands aside. The {@code @AsyncAgent} advisor installs it
 * when it meets the first method that returns a {@code Mono}, a {@code Flux} or a
 * {@code Publisher}, and removes it when its application context closes, so an
 * application without such methods pays nothing.
 *
 * @author posm
 */
public final class OperationScheduleHook {

	/**
	 * The key of the hook among Reactor's schedule hooks.
	 */
	public static final String KEY = "posm.operation";

	// guarded by the class: one install per application context that needs it
	private static int installs;

	private OperationScheduleHook() {
	}

	/**
	 * Install the hook, or count one more user of it.
	 */
	public static synchronized void install() {
		if (installs++ == 0) {
			Schedulers.onScheduleHook(KEY, OperationScheduleHook::decorate);
		}
	}

	/**
	 * Count one user less, and remove the hook with the last.
	 */
	public static synchronized void uninstall() {
		if (installs > 0 && --installs == 0) {
			Schedulers.resetOnScheduleHook(KEY);
		}
	}

	static Runnable decorate(Runnable task) {
		if (Posms.currentOperation() == null || Hooks.isAutomaticContextPropagationEnabled()) {
			return task;
		}
		return Posms.wrap(task);
	}

}
