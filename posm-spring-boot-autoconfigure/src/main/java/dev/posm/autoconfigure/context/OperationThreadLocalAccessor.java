package dev.posm.autoconfigure.context;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

import dev.posm.Operation;
import dev.posm.Posms;

/**
 * Lets context-propagation carry {@link Posms#currentOperation() the current operation}
 * to the threads its work moves to: tasks of an executor decorated with a
 * {@code ContextPropagatingTaskDecorator}, Reactor operators with automatic context
 * propagation. There, {@link Posms#allocate(int)} takes from the operation that started
 * the work. Registered through {@code META-INF/services}.
 *
 * @author posm
 */
public final class OperationThreadLocalAccessor implements ThreadLocalAccessor<Operation> {

	/**
	 * The key of the current operation in a context snapshot or a Reactor context.
	 */
	public static final String KEY = "posm.operation";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable Operation getValue() {
		return Posms.currentOperation();
	}

	@Override
	public void setValue(Operation value) {
		Posms.setCurrentOperation(value);
	}

	@Override
	public void setValue() {
		Posms.setCurrentOperation(null);
	}

}
