package dev.posm.benchmarks.proxy;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.support.GenericApplicationContext;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.Operation;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.autoconfigure.aop.AsyncAgentAnnotationBeanPostProcessor;

/**
 * What the {@code @AsyncAgent} proxy costs per call: the same method returning a
 * complete {@code CompletableFuture<Integer>}, called on the bean itself
 * ({@link #direct}), through a plain Spring proxy with a pass-through interceptor
 * ({@link #plainProxy}), and through the proxy that posm's real post-processor makes in
 * an application context, without a POSM ({@link #asyncAgentProxy}), with a 4 KiB POSM
 * released inside ({@link #asyncAgentProxyReleasedPosm}) and with one left for the
 * operation to reclaim ({@link #asyncAgentProxyHeldPosm}). Each joins the future and
 * hands the value to JMH's blackhole by returning it.
 * <p>
 * The other benchmarks tell where the time and the bytes go: the same operations begun
 * and completed by hand around a direct call (what posm-core costs without Spring), a
 * sketch of the interceptor with a shortcut for complete results
 * ({@link FastPathAgentInterceptor}), both proxies called inside an outer operation
 * (where unbinding sets the thread-local back rather than removing it), and the
 * thread-local binding alone, as {@link Posms#setCurrentOperation} does it and as it
 * could, and the method lookup by an equal or by the same {@code Method}.
 * <p>
 * {@code proxy} is {@code class} (a CGLIB proxy, what a bean without interfaces gets) or
 * {@code interface} (a JDK proxy); the plain proxy is always of the same kind and has
 * the same settings as the {@code @AsyncAgent} one.
 *
 * @author posm
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch" })
@Threads(1)
@State(Scope.Benchmark)
public class AsyncAgentProxyBenchmark {

	/** The kind of proxy: {@code class} unless {@code -p proxy=interface}. */
	@Param({ "class" })
	String proxy = "class";

	/** Not a constant, so that nothing is folded. */
	int input = 42;

	// placeholders until start() builds the real ones: the fields are never null
	private Computation target = new ComputationService();

	private Computation plain = this.target;

	private Computation advised = this.target;

	private Computation fastPath = this.target;

	private GenericApplicationContext context = new GenericApplicationContext();

	private PosmAllocator allocator = Allocators.unpooled("unused").build();

	private Agent agent = new Agents(this.allocator).agent("unused");

	private final ThreadLocal<Object> binding = new ThreadLocal<>();

	private final Object bound = new Object();

	private final Map<Method, Object> methodKeys = new ConcurrentHashMap<>();

	// Class.getMethod() returns a new copy each time: equal, not the same
	private final Method sameMethod = computeMethod();

	private final Method equalMethod = computeMethod();

	public AsyncAgentProxyBenchmark() {
		// a put of an equal key keeps the first key object: put ours first
		this.methodKeys.put(this.sameMethod, this.sameMethod.getName());
		for (Method method : ComputationService.class.getMethods()) {
			this.methodKeys.putIfAbsent(method, method.getName());
		}
	}

	@Setup(Level.Trial)
	public void start() {
		boolean classProxy = switch (this.proxy) {
			case "class" -> true;
			case "interface" -> false;
			default -> throw new IllegalArgumentException(
					"proxy must be 'class' or 'interface', was '" + this.proxy + "'");
		};
		this.allocator = Allocators.recycling(ComputationService.AGENT).direct(true).build();
		Agents agents = Agents.builder(this.allocator).build();
		this.context = new GenericApplicationContext();
		// as PosmAutoConfiguration declares it, with the agents at hand rather than from a bean
		this.context.registerBean(AsyncAgentAnnotationBeanPostProcessor.class,
				() -> new AsyncAgentAnnotationBeanPostProcessor(() -> agents, LeakDetection.SIMPLE),
				(definition) -> definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE));
		this.context.registerBean(ComputationService.class, (definition) -> {
			if (classProxy) {
				// what a class proxy default does for every bean: keep the class, not the interfaces
				definition.setAttribute(AutoProxyUtils.PRESERVE_TARGET_CLASS_ATTRIBUTE, Boolean.TRUE);
			}
		});
		this.context.refresh();
		this.advised = this.context.getBean(Computation.class);
		if (classProxy ? !AopUtils.isCglibProxy(this.advised) : !AopUtils.isJdkDynamicProxy(this.advised)) {
			throw new IllegalStateException("Expected a " + this.proxy + " proxy, got " + this.advised.getClass());
		}
		Advised config = (Advised) this.advised;
		if (config.getAdvisors().length != 1) {
			throw new IllegalStateException("Expected the @AsyncAgent advisor alone, got " + config.getAdvisors().length);
		}
		this.agent = agents.find(ComputationService.AGENT)
			.orElseThrow(() -> new IllegalStateException("The post-processor did not resolve the bean's agent"));
		this.target = new ComputationService();
		this.plain = proxyLike(config, (MethodInterceptor) MethodInvocation::proceed);
		this.fastPath = proxyLike(config, new FastPathAgentInterceptor(this.agent, ComputationService.class));
		checkEveryPathWorks();
	}

	private Computation proxyLike(Advised config, MethodInterceptor interceptor) {
		ProxyFactory factory = new ProxyFactory(new ComputationService());
		factory.setProxyTargetClass(config.isProxyTargetClass());
		factory.setExposeProxy(config.isExposeProxy());
		factory.setPreFiltered(config.isPreFiltered());
		factory.addAdvice(interceptor);
		factory.setFrozen(config.isFrozen());
		Computation proxy = (Computation) factory.getProxy(ComputationService.class.getClassLoader());
		// JDK proxies of the same interfaces even share their class
		if (AopUtils.isCglibProxy(proxy) != AopUtils.isCglibProxy(this.advised)
				|| AopUtils.isJdkDynamicProxy(proxy) != AopUtils.isJdkDynamicProxy(this.advised)) {
			throw new IllegalStateException("Expected a proxy of the kind of " + this.advised.getClass().getName()
					+ ", got " + proxy.getClass().getName());
		}
		return proxy;
	}

	private void checkEveryPathWorks() {
		int expected = this.target.compute(this.input).join();
		check(this.plain.compute(this.input).join() == expected, "the plain proxy computes as the bean");
		long operations = this.agent.stats().operations();
		check(this.advised.compute(this.input).join() == expected, "the @AsyncAgent proxy computes as the bean");
		this.advised.computeInReleasedPosm(this.input).join();
		this.advised.computeInHeldPosm(this.input).join();
		this.fastPath.computeInHeldPosm(this.input).join();
		AgentStats stats = this.agent.stats();
		check(stats.operations() == operations + 4, "each call through an agent proxy is one operation: " + stats);
		check(stats.reclaimed() == 2, "the operations reclaimed the POSMs left to them: " + stats);
		checkBalanced();
	}

	@TearDown(Level.Trial)
	public void stop() {
		try {
			checkBalanced();
			// the counts of the whole trial, to read beside the numbers
			System.out.println("\nagent: " + this.agent.stats() + "\nallocator: " + this.allocator.stats());
		}
		finally {
			this.context.close();
			this.allocator.close();
		}
	}

	private void checkBalanced() {
		AgentStats stats = this.agent.stats();
		AllocatorStats allocatorStats = this.allocator.stats();
		check(stats.activeOperations() == 0 && stats.bytesInUse() == 0 && allocatorStats.held() == 0,
				"every operation completed and gave its memory back: " + stats + ", " + allocatorStats);
	}

	private static Method computeMethod() {
		try {
			return ComputationService.class.getMethod("compute", int.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void check(boolean condition, String expectation) {
		if (!condition) {
			throw new IllegalStateException("Expected " + expectation);
		}
	}

	@Benchmark
	public Integer direct() {
		return this.target.compute(this.input).join();
	}

	@Benchmark
	public Integer plainProxy() {
		return this.plain.compute(this.input).join();
	}

	@Benchmark
	public Integer asyncAgentProxy() {
		return this.advised.compute(this.input).join();
	}

	@Benchmark
	public Integer asyncAgentProxyReleasedPosm() {
		return this.advised.computeInReleasedPosm(this.input).join();
	}

	@Benchmark
	public Integer asyncAgentProxyHeldPosm() {
		return this.advised.computeInHeldPosm(this.input).join();
	}

	/**
	 * An operation begun, bound, unbound and completed around a direct call: posm-core's
	 * part of the proxy's cost.
	 */
	@Benchmark
	public Integer operationByHand() {
		Operation operation = this.agent.begin();
		Operation previous = Posms.setCurrentOperation(operation);
		CompletableFuture<Integer> result;
		try {
			result = this.target.compute(this.input);
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
		operation.close();
		return result.join();
	}

	@Benchmark
	public Integer operationByHandReleasedPosm() {
		Operation operation = this.agent.begin();
		Operation previous = Posms.setCurrentOperation(operation);
		CompletableFuture<Integer> result;
		try {
			result = this.target.computeInReleasedPosm(this.input);
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
		operation.close();
		return result.join();
	}

	@Benchmark
	public Integer operationByHandHeldPosm() {
		Operation operation = this.agent.begin();
		Operation previous = Posms.setCurrentOperation(operation);
		CompletableFuture<Integer> result;
		try {
			result = this.target.computeInHeldPosm(this.input);
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
		operation.close();
		return result.join();
	}

	@Benchmark
	public Integer fastPathProxy() {
		return this.fastPath.compute(this.input).join();
	}

	@Benchmark
	public Integer fastPathProxyHeldPosm() {
		return this.fastPath.computeInHeldPosm(this.input).join();
	}

	/**
	 * The proxy called inside another operation, as one agent's method calling
	 * another's: restoring the outer operation sets the thread-local rather than
	 * removing it.
	 */
	@Benchmark
	public Integer asyncAgentProxyInOuterOperation(OuterOperation outer) {
		return this.advised.compute(this.input).join();
	}

	@Benchmark
	public Integer fastPathProxyInOuterOperation(OuterOperation outer) {
		return this.fastPath.compute(this.input).join();
	}

	/**
	 * Bind and unbind as {@link Posms#setCurrentOperation} does when no operation was
	 * bound before: {@code remove()} drops the map entry, so the next bind makes one.
	 */
	@Benchmark
	public void threadLocalSetThenRemove() {
		this.binding.set(this.bound);
		this.binding.remove();
	}

	/**
	 * Bind and unbind keeping the map entry.
	 */
	@Benchmark
	public void threadLocalSetThenSetNull() {
		this.binding.set(this.bound);
		this.binding.set(null);
	}

	/**
	 * Find a method in a concurrent map keyed by another {@code Method} object for the
	 * same method, as the advisor finds the method a proxy passes: {@code equals()}
	 * compares the parameter types.
	 */
	@Benchmark
	public @Nullable Object methodLookupByEqualMethod() {
		return this.methodKeys.get(this.equalMethod);
	}

	/**
	 * Find a method in a concurrent map keyed by the very same {@code Method} object.
	 */
	@Benchmark
	public @Nullable Object methodLookupBySameMethod() {
		return this.methodKeys.get(this.sameMethod);
	}

	/**
	 * An operation of another agent, bound on the benchmark's thread for each
	 * iteration.
	 */
	@State(Scope.Thread)
	public static class OuterOperation {

		private final PosmAllocator allocator = Allocators.unpooled("outer").build();

		private final Agent agent = new Agents(this.allocator).agent("outer");

		private @Nullable Operation operation;

		@Setup(Level.Iteration)
		public void bind() {
			Operation operation = this.agent.begin();
			this.operation = operation;
			check(Posms.setCurrentOperation(operation) == null, "no operation bound on the benchmark's thread");
		}

		@TearDown(Level.Iteration)
		public void unbind() {
			Operation operation = this.operation;
			// on the same thread as bind(), and every inner operation restored it
			check(operation != null && Posms.currentOperation() == operation,
					"the outer operation still bound at the end of the iteration");
			Posms.setCurrentOperation(null);
			operation.close();
			this.operation = null;
		}

	}

}
