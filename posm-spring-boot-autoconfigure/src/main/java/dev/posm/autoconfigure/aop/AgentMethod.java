package dev.posm.autoconfigure.aop;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.posm.Agent;
import dev.posm.Operation;
import dev.posm.Posm;

/**
 * An {@code @AsyncAgent} method as resolved once: the agent its calls are operations
 * of, and how the completion of its result is observed.
 *
 * @author posm
 */
final class AgentMethod {

	private static final Log logger = LogFactory.getLog(AsyncAgentInterceptor.class);

	private final Agent agent;

	private final ResultKind kind;

	private final String description;

	private final boolean paranoid;

	AgentMethod(Agent agent, ResultKind kind, String description, boolean paranoid) {
		this.agent = agent;
		this.kind = kind;
		this.description = description;
		this.paranoid = paranoid;
	}

	Agent agent() {
		return this.agent;
	}

	ResultKind kind() {
		return this.kind;
	}

	String description() {
		return this.description;
	}

	/**
	 * Complete the operation when the method's result completes, before the caller can
	 * see it complete.
	 * @param operation the operation of the call
	 * @param result what the method returned
	 * @return what the caller gets
	 */
	@Nullable Object complete(Operation operation, @Nullable Object result) {
		if (result == null || this.kind == ResultKind.VALUE) {
			checkResult(operation, result);
			operation.close();
			return result;
		}
		if (this.kind == ResultKind.STAGE) {
			return OperationFuture.completeAfter((CompletionStage<?>) result, operation, this);
		}
		return ReactiveOperations.completeAfter(this.kind, result, operation, this);
	}

	/**
	 * In paranoid mode, report a result that is the memory of a POSM the operation
	 * holds: it is released when the operation completes, under the caller's feet.
	 * @param operation the operation, not yet completed
	 * @param result the result or one element of it
	 */
	void checkResult(Operation operation, @Nullable Object result) {
		if (!this.paranoid || result == null) {
			return;
		}
		ByteBuffer buffer = (result instanceof ByteBuffer byteBuffer) ? byteBuffer : null;
		if (result instanceof Posm posm) {
			try {
				buffer = posm.buffer();
			}
			catch (IllegalStateException ex) {
				// released already: then it is no longer the operation's
			}
		}
		if (buffer != null && operation.holds(buffer)) {
			logger.error("@AsyncAgent method " + this.description + " of agent '" + this.agent.name()
					+ "' returned the memory of a POSM its operation holds: that POSM is released when the operation"
					+ " completes, before the caller sees the result, and its memory is then reused."
					+ " Return the data, not the POSM's buffer.");
		}
	}

	@Override
	public String toString() {
		return "AgentMethod[" + this.description + ", agent '" + this.agent.name() + "', " + this.kind + "]";
	}

}
