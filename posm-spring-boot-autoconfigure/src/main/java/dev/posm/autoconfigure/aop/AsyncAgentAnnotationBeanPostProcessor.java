package dev.posm.autoconfigure.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcher;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.util.ReflectionUtils;

import dev.posm.Agents;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.context.OperationScheduleHook;

/**
 * Applies the {@code @AsyncAgent} advice to every bean that has the annotation on its
 * type or on a method: each call of such a method is one operation of its agent. Needs
 * no AspectJ.
 * <p>
 * Every advised method is resolved when its bean is created, so that a method whose
 * result's completion cannot be observed (a {@code Future} that is not a
 * {@code CompletionStage}) or that names an allocator that does not exist stops
 * start-up.
 * <p>
 * With {@code @Async}, the operation runs inside the asynchronous execution whichever
 * post-processor comes first: the executor's thread runs the method as the operation,
 * and {@code @Async}'s future completes after the operation. Proxies made by auto-proxy
 * creators (such as {@code @Transactional}'s) run inside the operation.
 * <p>
 * Once a method that returns a Reactor {@code Mono}, {@code Flux} or {@code Publisher}
 * is resolved, the {@link OperationScheduleHook} makes the operation follow the chain
 * to the threads of Reactor's schedulers, until this post-processor is destroyed with
 * its application context.
 *
 * @author posm
 */
@SuppressWarnings("serial")
public class AsyncAgentAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
		implements DisposableBean {

	/**
	 * The order of this post-processor: just before {@code @EnableAsync}'s default, so
	 * that {@code @Async} wraps the agent's operation.
	 */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 1;

	private final Pointcut pointcut;

	private final AsyncAgentInterceptor interceptor;

	private final AtomicBoolean scheduleHookInstalled = new AtomicBoolean();

	/**
	 * Create a post-processor.
	 * @param agents the agents of the application, asked for when the first advised bean
	 * is created
	 * @param leakDetection the leak detection level: with
	 * {@link LeakDetection#PARANOID}, a result that is a POSM's own buffer is reported
	 */
	public AsyncAgentAnnotationBeanPostProcessor(Supplier<Agents> agents, LeakDetection leakDetection) {
		this(agents, leakDetection, () -> null);
	}

	/**
	 * Create a post-processor.
	 * @param agents the agents of the application, asked for when the first advised bean
	 * is created
	 * @param leakDetection the leak detection level: with
	 * {@link LeakDetection#PARANOID}, a result that is a POSM's own buffer is reported
	 * @param listener the listener told of every operation, asked for once, when the
	 * first operation begins; it may supply {@code null}
	 */
	public AsyncAgentAnnotationBeanPostProcessor(Supplier<Agents> agents, LeakDetection leakDetection,
			Supplier<@Nullable OperationListener> listener) {
		setBeforeExistingAdvisors(true);
		setOrder(DEFAULT_ORDER);
		Pointcut typePointcut = new ComposablePointcut(new AnnotationMatchingPointcut(AsyncAgent.class, true))
			.intersection(OperationMethods.INSTANCE);
		Pointcut methodPointcut = new AnnotationMatchingPointcut(null, AsyncAgent.class, true);
		this.pointcut = new ComposablePointcut(typePointcut).union(methodPointcut);
		this.interceptor = new AsyncAgentInterceptor(agents, new BeanFactoryAllocators(),
				leakDetection == LeakDetection.PARANOID, listener, this::installScheduleHook);
		this.advisor = new DefaultPointcutAdvisor(this.pointcut, this.interceptor);
	}

	private void installScheduleHook() {
		if (this.scheduleHookInstalled.compareAndSet(false, true)) {
			OperationScheduleHook.install();
		}
	}

	@Override
	public void destroy() {
		if (this.scheduleHookInstalled.compareAndSet(true, false)) {
			OperationScheduleHook.uninstall();
		}
	}

	@Override
	public @Nullable Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AopInfrastructureBean) {
			return bean;
		}
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (!isEligible(targetClass)) {
			return bean;
		}
		resolveMethods(targetClass);
		if (bean instanceof Advised advised && !advised.isFrozen()) {
			int async = indexOfAsyncAdvisor(advised);
			if (async >= 0) {
				// @Async came first: go right inside it rather than around it
				advised.addAdvisor(async + 1, this.advisor);
				return bean;
			}
		}
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private void resolveMethods(Class<?> targetClass) {
		MethodMatcher methodMatcher = this.pointcut.getMethodMatcher();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass,
				ReflectionUtils.USER_DECLARED_METHODS)) {
			int modifiers = method.getModifiers();
			if (!Modifier.isPrivate(modifiers) && !Modifier.isStatic(modifiers)
					&& methodMatcher.matches(method, targetClass)) {
				this.interceptor.resolve(method, targetClass);
			}
		}
	}

	private int indexOfAsyncAdvisor(Advised advised) {
		Advisor[] advisors = advised.getAdvisors();
		for (int i = 0; i < advisors.length; i++) {
			if (advisors[i] == this.advisor) {
				return -1;
			}
			if (advisors[i] instanceof AsyncAnnotationAdvisor) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The methods an annotation on a type makes operations: the public ones, except
	 * those of {@link Object}.
	 */
	private static final class OperationMethods extends StaticMethodMatcher {

		static final OperationMethods INSTANCE = new OperationMethods();

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return Modifier.isPublic(method.getModifiers()) && !ReflectionUtils.isObjectMethod(method);
		}

	}

	/**
	 * Finds allocators among the beans.
	 */
	private final class BeanFactoryAllocators implements AsyncAgentInterceptor.AllocatorLookup {

		@Override
		public @Nullable PosmAllocator find(String name) {
			ListableBeanFactory beanFactory = AsyncAgentAnnotationBeanPostProcessor.this.beanFactory;
			if (beanFactory == null || !beanFactory.containsBean(name)
					|| !beanFactory.isTypeMatch(name, PosmAllocator.class)) {
				return null;
			}
			return beanFactory.getBean(name, PosmAllocator.class);
		}

		@Override
		public List<String> names() {
			ListableBeanFactory beanFactory = AsyncAgentAnnotationBeanPostProcessor.this.beanFactory;
			if (beanFactory == null) {
				return List.of();
			}
			return List.copyOf(new TreeSet<>(List.of(beanFactory.getBeanNamesForType(PosmAllocator.class))));
		}

	}

}
