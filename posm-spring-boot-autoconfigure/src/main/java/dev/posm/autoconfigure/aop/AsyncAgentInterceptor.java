package dev.posm.autoconfigure.aop;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Operation;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

/**
 * Makes each call of an {@code @AsyncAgent} method one operation of its agent: the
 * operation is current while the method runs, and completes (releasing what it still
 * holds) before the caller sees the method's result complete.
 *
 * @author posm
 */
final class AsyncAgentInterceptor implements MethodInterceptor {

	private final Supplier<Agents> agents;

	private final AllocatorLookup allocators;

	private final boolean paranoid;

	private final Supplier<@Nullable OperationListener> listenerLookup;

	/** Told of every method that returns a Reactor type, before its first call. */
	private final Runnable reactiveMethodResolved;

	// looked up on the first call: none, most of the time, and then it costs nothing
	private volatile @Nullable Optional<OperationListener> listener;

	// per target class, then per method: a lookup allocates nothing
	private final Map<Class<?>, Map<Method, AgentMethod>> methods = new ConcurrentHashMap<>();

	AsyncAgentInterceptor(Supplier<Agents> agents, AllocatorLookup allocators, boolean paranoid,
			Supplier<@Nullable OperationListener> listener, Runnable reactiveMethodResolved) {
		this.agents = agents;
		this.allocators = allocators;
		this.paranoid = paranoid;
		this.listenerLookup = listener;
		this.reactiveMethodResolved = reactiveMethodResolved;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		AgentMethod method = agentMethod(invocation);
		Operation operation = method.agent().begin();
		OperationListener listener = listener();
		OperationListener.Scope scope = (listener != null) ? listener.begun(operation) : null;
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
			if (scope != null) {
				scope.close();
			}
		}
		return method.complete(operation, result);
	}

	private @Nullable OperationListener listener() {
		Optional<OperationListener> listener = this.listener;
		if (listener == null) {
			listener = Optional.ofNullable(this.listenerLookup.get());
			this.listener = listener;
		}
		return listener.orElse(null);
	}

	private AgentMethod agentMethod(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
		Map<Method, AgentMethod> byMethod = this.methods.get(targetClass);
		AgentMethod resolved = (byMethod != null) ? byMethod.get(method) : null;
		return (resolved != null) ? resolved : resolve(method, targetClass);
	}

	/**
	 * Resolve the agent and the result handling of a method, once.
	 * @param method the method called
	 * @param targetClass the class of the bean
	 * @return the resolved method
	 * @throws InvalidAsyncAgentMethodException if the method cannot be an operation
	 */
	AgentMethod resolve(Method method, Class<?> targetClass) {
		Map<Method, AgentMethod> byMethod = this.methods.computeIfAbsent(targetClass,
				(key) -> new ConcurrentHashMap<>());
		AgentMethod resolved = byMethod.get(method);
		if (resolved == null) {
			// not under the map's lock: resolving may create beans, which may resolve methods
			AgentMethod created = createAgentMethod(method, targetClass);
			resolved = byMethod.putIfAbsent(method, created);
			if (resolved == null) {
				resolved = created;
			}
		}
		return resolved;
	}

	private AgentMethod createAgentMethod(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specificMethod = AopUtils.getMostSpecificMethod(method, userClass);
		String description = describe(specificMethod, userClass);
		AsyncAgent annotation = AnnotatedElementUtils.findMergedAnnotation(specificMethod, AsyncAgent.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, AsyncAgent.class);
		}
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), AsyncAgent.class);
		}
		if (annotation == null) {
			throw new IllegalStateException("No @AsyncAgent annotation on " + description);
		}
		ResultKind kind = ResultKind.of(specificMethod, description);
		if (kind.isReactive()) {
			this.reactiveMethodResolved.run();
		}
		String name = StringUtils.hasText(annotation.value()) ? annotation.value().trim() : kebabCase(userClass);
		PosmAllocator allocator = null;
		if (StringUtils.hasText(annotation.allocator())) {
			String allocatorName = annotation.allocator().trim();
			allocator = this.allocators.find(allocatorName);
			if (allocator == null) {
				throw new InvalidAsyncAgentMethodException(description,
						"its annotation names allocator '" + allocatorName + "', and there is no PosmAllocator bean"
								+ " of that name; the allocators are " + this.allocators.names(),
						"Name one of the allocators, or configure one under posm.allocators." + allocatorName + ".");
			}
		}
		Agent agent;
		try {
			agent = this.agents.get().agent(name, allocator);
		}
		catch (IllegalStateException ex) {
			throw new InvalidAsyncAgentMethodException(description, ex.getMessage(), "Name the same allocator for"
					+ " every method of agent '" + name + "', or bind it with posm.agents." + name + ".allocator.");
		}
		return new AgentMethod(agent, kind, description, this.paranoid);
	}

	/**
	 * Return the agent name of a bean class: its simple name in kebab-case
	 * ({@code ChecksumService} is {@code checksum-service}, {@code HTTPRelay} is
	 * {@code http-relay}).
	 * @param type the bean class
	 * @return the agent name
	 */
	static String kebabCase(Class<?> type) {
		String simpleName = type.getSimpleName();
		if (simpleName.isEmpty()) {
			// anonymous: the binary name is all there is
			simpleName = type.getName().substring(type.getName().lastIndexOf('.') + 1).replace('$', '-');
		}
		StringBuilder name = new StringBuilder(simpleName.length() + 8);
		for (int i = 0; i < simpleName.length(); i++) {
			char c = simpleName.charAt(i);
			if (Character.isUpperCase(c)) {
				boolean afterLowerOrDigit = i > 0 && (Character.isLowerCase(simpleName.charAt(i - 1))
						|| Character.isDigit(simpleName.charAt(i - 1)));
				boolean endsAcronym = i > 0 && Character.isUpperCase(simpleName.charAt(i - 1))
						&& i + 1 < simpleName.length() && Character.isLowerCase(simpleName.charAt(i + 1));
				if (afterLowerOrDigit || endsAcronym) {
					name.append('-');
				}
				name.append(Character.toLowerCase(c));
			}
			else if (c == '_' || c == '$') {
				name.append('-');
			}
			else {
				name.append(c);
			}
		}
		return name.toString();
	}

	static String describe(Method method, Class<?> targetClass) {
		StringBuilder description = new StringBuilder(targetClass.getName()).append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] parameterTypes = method.getParameterTypes();
		for (int i = 0; i < parameterTypes.length; i++) {
			description.append((i > 0) ? ", " : "").append(parameterTypes[i].getSimpleName());
		}
		return description.append(')').toString();
	}

	/**
	 * Finds the allocators that annotations name.
	 */
	interface AllocatorLookup {

		/**
		 * Return the allocator bean of the given name.
		 * @param name the bean name
		 * @return the allocator, or {@code null} if there is none
		 */
		@Nullable PosmAllocator find(String name);

		/**
		 * Return the names of every allocator bean.
		 * @return the names
		 */
		List<String> names();

	}

}
