package dev.posm.autoconfigure.context;

import org.springframework.core.task.TaskDecorator;

import dev.posm.Posms;

/**
 * Runs each task in the operation that was current where it was handed to the executor
 * (or in none, if none was): {@link Posms#wrap(Runnable)} as a {@link TaskDecorator}.
 * Spring Boot applies every {@code TaskDecorator} bean, composed, to the executors it
 * builds (the {@code applicationTaskExecutor} that {@code @Async} uses, those from its
 * executor builders) and to its task scheduler, so posm's auto-configuration declares
 * one unless the application has a {@code ContextPropagatingTaskDecorator}, which
 * carries the operation already.
 *
 * @author posm
 */
public final class OperationTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable runnable) {
		return Posms.wrap(runnable);
	}

}
