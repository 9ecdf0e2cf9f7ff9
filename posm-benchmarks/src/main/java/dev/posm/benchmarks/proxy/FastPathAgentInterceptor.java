package dev.posm.benchmarks.proxy;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

import dev.posm.Agent;
import dev.posm.Operation;
import dev.posm.Posms;

/**
 * A measured sketch, not the advisor: the {@code @AsyncAgent} interceptor's steps (the
 * agent looked up by target class and method in two concurrent maps filled when the bean
 * was created, the operation
 * begun and bound, the method run, the binding restored) with the shortcut proposed in
 * {@code PROXY.md} for a result that is a {@link CompletableFuture} already complete
 * when the method returns: the operation is completed at once and the method's own
 * future goes back to the caller, rather than a new future completed from a
 * {@code whenComplete} callback. Its caller still sees the future complete only after
 * the operation has released its POSMs, as the advisor promises.
 * <p>
 * Only for the benchmark's {@link Computation} methods, which return
 * {@code CompletableFuture}; a result not yet complete takes a plain callback here, the
 * advisor's cancellation and paranoid checks are left out.
 *
 * @author posm
 */
final class FastPathAgentInterceptor implements MethodInterceptor {

	private final Agent agent;

	private final Map<Class<?>, Map<Method, Agent>> agents = new ConcurrentHashMap<>();

	FastPathAgentInterceptor(Agent agent, Class<?> targetClass) {
		this.agent = agent;
		// resolved up front from copies of the methods, as the post-processor does: a call
		// then finds its method by equals(), not by identity
		Map<Method, Agent> byMethod = new ConcurrentHashMap<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass,
				ReflectionUtils.USER_DECLARED_METHODS)) {
			byMethod.put(method, agent);
		}
		this.agents.put(targetClass, byMethod);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Operation operation = agentOf(invocation).begin();
		Operation previous = Posms.setCurrentOperation(operation);
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			operation.markFailed();
			operation.close();
			throw ex;
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
		if (result == null) {
			operation.close();
			return null;
		}
		CompletableFuture<?> future = (CompletableFuture<?>) result;
		// exactly CompletableFuture: a subclass (a minimal stage) may refuse isDone()
		if (future.getClass() == CompletableFuture.class && future.isDone()) {
			// the shortcut: nothing left to wait for, so no callback and no second future
			if (future.isCompletedExceptionally()) {
				operation.markFailed();
			}
			operation.close();
			return future;
		}
		CompletableFuture<Object> callers = new CompletableFuture<>();
		future.whenComplete((value, failure) -> {
			if (failure != null) {
				operation.markFailed();
			}
			operation.close();
			if (failure != null) {
				callers.completeExceptionally(failure);
			}
			else {
				callers.complete(value);
			}
		});
		return callers;
	}

	private Agent agentOf(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		// two lookups that allocate nothing, as the advisor's
		Map<Method, Agent> byMethod = this.agents.get(targetClass);
		Agent found = (byMethod != null) ? byMethod.get(method) : null;
		if (found == null) {
			this.agents.computeIfAbsent(targetClass, (key) -> new ConcurrentHashMap<>()).putIfAbsent(method, this.agent);
			found = this.agent;
		}
		return found;
	}

}
