package dev.posm.autoconfigure.aop;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.EnableAspectJAutoProxy;
import org.springframework.context.annotation.Import;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for the {@code @AsyncAgent} advisor: agent names, allocator binding precedence,
 * nesting, methods rejected at start-up, paranoid checks, with and without AspectJ.
 *
 * @author posm
 */
@ExtendWith(OutputCaptureExtension.class)
class AsyncAgentAdvisorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class));

	@Test
	void agentIsNamedByTheAnnotationElseByTheBeanClassInKebabCase() {
		this.runner.withUserConfiguration(NamingConfiguration.class).run((context) -> {
			ChecksumService service = context.getBean(ChecksumService.class);
			assertThat(service.agent()).isEqualTo("checksum-service");
			assertThat(service.named()).isEqualTo("renamed");
			// resolved at start-up: the agents are there before the first call
			assertThat(context.getBean(Agents.class).find("checksum-service")).isPresent();
			assertThat(context.getBean(Agents.class).find("renamed")).isPresent();
			// not public: not an operation of the type's agent
			assertThat(service.internal()).isEqualTo("none");
			assertThat(service.toString()).isEqualTo("ChecksumService");
			assertThat(context.getBean(Agents.class).find("checksum-service").get().stats().operations())
				.isEqualTo(1);
		});
	}

	@Test
	void kebabCase() {
		assertThat(AsyncAgentInterceptor.kebabCase(ChecksumService.class)).isEqualTo("checksum-service");
		assertThat(AsyncAgentInterceptor.kebabCase(HTTPRelay.class)).isEqualTo("http-relay");
		assertThat(AsyncAgentInterceptor.kebabCase(S3Uploader.class)).isEqualTo("s3-uploader");
		assertThat(AsyncAgentInterceptor.kebabCase(Worker.class)).isEqualTo("worker");
	}

	@Test
	void propertyBindingBeatsAnnotationWhichBeatsTheDefault() {
		this.runner.withUserConfiguration(PrecedenceConfiguration.class)
			.withPropertyValues("posm.allocators.from-property.type=pooled",
					"posm.allocators.from-annotation.type=pooled", "posm.agents.bound.allocator=from-property")
			.run((context) -> {
				PosmAllocator fromProperty = context.getBean("from-property", PosmAllocator.class);
				PosmAllocator fromAnnotation = context.getBean("from-annotation", PosmAllocator.class);
				PosmAllocator fallback = context.getBean("default", PosmAllocator.class);
				Precedence precedence = context.getBean(Precedence.class);

				precedence.bound();
				assertThat(fromProperty.stats().allocations()).isEqualTo(1);
				assertThat(fromAnnotation.stats().allocations()).isZero();
				assertThat(fallback.stats().allocations()).isZero();

				precedence.annotated();
				assertThat(fromProperty.stats().allocations()).isEqualTo(1);
				assertThat(fromAnnotation.stats().allocations()).isEqualTo(1);
				assertThat(fallback.stats().allocations()).isZero();

				precedence.unbound();
				assertThat(fromProperty.stats().allocations()).isEqualTo(1);
				assertThat(fromAnnotation.stats().allocations()).isEqualTo(1);
				assertThat(fallback.stats().allocations()).isEqualTo(1);
			});
	}

	@Test
	void defaultAllocatorPropertyIsTheFallback() {
		this.runner.withUserConfiguration(PrecedenceConfiguration.class)
			.withPropertyValues("posm.allocators.from-property.type=pooled",
					"posm.allocators.from-annotation.type=pooled", "posm.default-allocator=from-property")
			.run((context) -> {
				context.getBean(Precedence.class).unbound();
				assertThat(context.getBean("from-property", PosmAllocator.class).stats().allocations()).isEqualTo(1);
				assertThat(context.getBean("default", PosmAllocator.class).stats().allocations()).isZero();
			});
	}

	@Test
	void nestedCallsAreOperationsOfTheirOwnAgents() {
		this.runner.withUserConfiguration(NestingConfiguration.class).run((context) -> {
			Outer outer = context.getBean(Outer.class);
			assertThat(outer.call()).containsExactly("outer", "inner", "outer");
			Agents agents = context.getBean(Agents.class);
			assertThat(agents.agent("outer").stats().allocations()).isEqualTo(2);
			assertThat(agents.agent("inner").stats().allocations()).isEqualTo(1);
			// the inner POSM was reclaimed when the inner call returned, the outer ones after
			assertThat(agents.agent("inner").stats().reclaimed()).isEqualTo(1);
			assertThat(agents.agent("outer").stats().reclaimed()).isEqualTo(2);
			assertThat(Posms.currentOperation()).isNull();
		});
	}

	@Test
	void bareFutureIsRejectedAtStartUp() {
		this.runner.withUserConfiguration(BareFutureConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidAsyncAgentMethodFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(BareFuture.class.getName() + ".compute(int)")
				.contains("java.util.concurrent.Future, a Future that is not a CompletionStage");
			assertThat(analysis.getAction()).contains("CompletableFuture");
		});
	}

	@Test
	void bareFutureEndsARealStartUpWithTheAnalysis(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(BareFutureApplication.class)
			.web(WebApplicationType.NONE);
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The @AsyncAgent method " + BareFuture.class.getName() + ".compute(int) cannot be an operation")
			.contains("Return a CompletableFuture or a CompletionStage");
	}

	@Test
	void bareFutureOnAnAnnotatedTypeIsRejectedToo() {
		this.runner.withUserConfiguration(BareFutureTypeConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidAsyncAgentMethodException.class)
				.hasMessageContaining(BareFutureType.class.getName() + ".task()")
				.hasMessageContaining("java.util.concurrent.FutureTask");
		});
	}

	@Test
	void resultsThatPosmCannotStandInForAreRejectedAtStartUp() {
		this.runner.withUserConfiguration(UnwrappableConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidAsyncAgentMethodException.class)
				.hasMessageContaining(Unwrappable.class.getName() + ".connectable()")
				.hasMessageContaining("reactor.core.publisher.ConnectableFlux, a Publisher that posm cannot wrap");
		});
		this.runner.withUserConfiguration(OwnFutureConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidAsyncAgentMethodException.class)
				.hasMessageContaining(OwnFuture.class.getName() + ".compute()")
				.hasMessageContaining("Declare CompletionStage or CompletableFuture");
		});
	}

	@Test
	void unknownAllocatorInAnnotationIsRejectedAtStartUp() {
		this.runner.withUserConfiguration(UnknownAllocatorConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidAsyncAgentMethodFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(UnknownAllocator.class.getName() + ".work()")
				.contains("allocator 'nowhere'")
				.contains("[default]");
			assertThat(analysis.getAction()).contains("posm.allocators.nowhere");
		});
	}

	@Test
	void oneAgentCannotTakeFromTwoAllocators() {
		this.runner.withUserConfiguration(ConflictConfiguration.class)
			.withPropertyValues("posm.allocators.a.type=pooled", "posm.allocators.b.type=pooled")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidAsyncAgentMethodException.class)
					.hasMessageContaining("Agent 'shared'")
					.hasMessageContaining("posm.agents.shared.allocator");
			});
	}

	@Test
	void propertyBindingSettlesAnAgentThatAnnotationsBindTwice() {
		this.runner.withUserConfiguration(ConflictConfiguration.class)
			.withPropertyValues("posm.allocators.a.type=pooled", "posm.allocators.b.type=pooled",
					"posm.agents.shared.allocator=b")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(ConflictA.class).work();
				context.getBean(ConflictB.class).work();
				assertThat(context.getBean("b", PosmAllocator.class).stats().allocations()).isEqualTo(2);
				assertThat(context.getBean("a", PosmAllocator.class).stats().allocations()).isZero();
			});
	}

	@Test
	void methodsAreResolvedOnce() throws Exception {
		Agents agents = new Agents(Allocators.unpooled("test").build());
		AsyncAgentInterceptor interceptor = new AsyncAgentInterceptor(() -> agents,
				new AsyncAgentInterceptor.AllocatorLookup() {

					@Override
					public PosmAllocator find(String name) {
						return null;
					}

					@Override
					public List<String> names() {
						return List.of();
					}

				}, false, () -> null, () -> {
				});
		Method method = Worker.class.getMethod("work", int.class);
		AgentMethod first = interceptor.resolve(method, Worker.class);
		assertThat(interceptor.resolve(method, Worker.class)).isSameAs(first);
		assertThat(first.agent()).isSameAs(agents.agent("worker"));
		assertThat(first.kind()).isEqualTo(ResultKind.VALUE);
	}

	@Test
	void paranoidModeReportsAResultThatIsAPosmsBuffer(CapturedOutput output) {
		this.runner.withUserConfiguration(EscapingConfiguration.class)
			.withPropertyValues("posm.leak-detection=paranoid")
			.run((context) -> {
				Escaping escaping = context.getBean(Escaping.class);
				escaping.escape();
				assertThat(output).contains("@AsyncAgent method " + Escaping.class.getName() + ".escape()")
					.contains("returned the memory of a POSM its operation holds");
				escaping.escapeLater().join();
				assertThat(output).contains(Escaping.class.getName() + ".escapeLater()");
				escaping.copy();
				assertThat(output).doesNotContain(Escaping.class.getName() + ".copy()");
			});
	}

	@Test
	void simpleModeDoesNotLookAtResults(CapturedOutput output) {
		this.runner.withUserConfiguration(EscapingConfiguration.class).run((context) -> {
			context.getBean(Escaping.class).escape();
			assertThat(output).doesNotContain("returned the memory of a POSM");
		});
	}

	@Test
	void worksWithAspectJAutoProxying() {
		this.runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withUserConfiguration(NamingConfiguration.class, AspectConfiguration.class)
			.run((context) -> {
				assertThat(context).hasBean("org.springframework.aop.config.internalAutoProxyCreator");
				assertThat(context.getBean("org.springframework.aop.config.internalAutoProxyCreator").getClass()
					.getSimpleName()).isEqualTo("AnnotationAwareAspectJAutoProxyCreator");
				ChecksumService service = context.getBean(ChecksumService.class);
				assertThat(AopUtils.isCglibProxy(service)).isTrue();
				// auto-proxy creators' advice (this aspect, @Transactional) runs inside the operation
				assertThat(service.agent()).isEqualTo("aspect-in-checksum-service(checksum-service)");
				assertThat(context.getBean(Agents.class).agent("checksum-service").stats().operations())
					.isEqualTo(1);
			});
	}

	@Test
	void worksWithoutAspectJ() {
		this.runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withUserConfiguration(NamingConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ChecksumService service = context.getBean(ChecksumService.class);
				assertThat(AopUtils.isAopProxy(service)).isTrue();
				assertThat(service.agent()).isEqualTo("checksum-service");
			});
	}

	@Test
	void interfaceBasedProxiesWork() {
		this.runner.withUserConfiguration(InterfaceConfiguration.class)
			.withPropertyValues("spring.aop.proxy-target-class=false")
			.run((context) -> {
				Greeting greeting = context.getBean(Greeting.class);
				assertThat(greeting.greet()).isEqualTo("greeter");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class NamingConfiguration {

		@Bean
		ChecksumService checksumService() {
			return new ChecksumService();
		}

	}

	@AsyncAgent
	public static class ChecksumService {

		public String agent() {
			return currentAgentName();
		}

		@AsyncAgent("renamed")
		public String named() {
			return currentAgentName();
		}

		String internal() {
			return currentAgentName();
		}

		@Override
		public String toString() {
			return "ChecksumService";
		}

	}

	static class HTTPRelay {

	}

	static class S3Uploader {

	}

	public static class Worker {

		@AsyncAgent
		public int work(int size) {
			return size;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrecedenceConfiguration {

		@Bean
		Precedence precedence() {
			return new Precedence();
		}

	}

	public static class Precedence {

		@AsyncAgent(value = "bound", allocator = "from-annotation")
		public void bound() {
			Posms.allocate(10);
		}

		@AsyncAgent(value = "annotated", allocator = "from-annotation")
		public void annotated() {
			Posms.allocate(10);
		}

		@AsyncAgent("unbound")
		public void unbound() {
			Posms.allocate(10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NestingConfiguration {

		@Bean
		Inner inner() {
			return new Inner();
		}

		@Bean
		Outer outer(Inner inner) {
			return new Outer(inner);
		}

	}

	@AsyncAgent("outer")
	public static class Outer {

		private final Inner inner;

		public Outer(Inner inner) {
			this.inner = inner;
		}

		public List<String> call() {
			Posms.allocate(10);
			String before = currentAgentName();
			String inside = this.inner.call();
			Posms.allocate(10);
			return List.of(before, inside, currentAgentName());
		}

	}

	@AsyncAgent("inner")
	public static class Inner {

		public String call() {
			Posms.allocate(10);
			return currentAgentName();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BareFutureConfiguration {

		@Bean
		BareFuture bareFuture() {
			return new BareFuture();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(BareFutureConfiguration.class)
	static class BareFutureApplication {

	}

	public static class BareFuture {

		@AsyncAgent
		public Future<String> compute(int size) {
			return CompletableFuture.completedFuture("x");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BareFutureTypeConfiguration {

		@Bean
		BareFutureType bareFutureType() {
			return new BareFutureType();
		}

	}

	@AsyncAgent
	public static class BareFutureType {

		public String fine() {
			return "fine";
		}

		public FutureTask<String> task() {
			return new FutureTask<>(() -> "x");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnwrappableConfiguration {

		@Bean
		Unwrappable unwrappable() {
			return new Unwrappable();
		}

	}

	public static class Unwrappable {

		@AsyncAgent
		public reactor.core.publisher.ConnectableFlux<String> connectable() {
			return reactor.core.publisher.Flux.just("x").publish();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFutureConfiguration {

		@Bean
		OwnFuture ownFuture() {
			return new OwnFuture();
		}

	}

	public static class OwnFuture {

		@AsyncAgent
		public MyFuture compute() {
			return new MyFuture();
		}

	}

	public static class MyFuture extends CompletableFuture<String> {

	}

	@Configuration(proxyBeanMethods = false)
	static class UnknownAllocatorConfiguration {

		@Bean
		UnknownAllocator unknownAllocator() {
			return new UnknownAllocator();
		}

	}

	public static class UnknownAllocator {

		@AsyncAgent(allocator = "nowhere")
		public void work() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ConflictConfiguration {

		@Bean
		ConflictA conflictA() {
			return new ConflictA();
		}

		@Bean
		ConflictB conflictB() {
			return new ConflictB();
		}

	}

	public static class ConflictA {

		@AsyncAgent(value = "shared", allocator = "a")
		public void work() {
			Posms.allocate(10);
		}

	}

	public static class ConflictB {

		@AsyncAgent(value = "shared", allocator = "b")
		public void work() {
			Posms.allocate(10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EscapingConfiguration {

		@Bean
		Escaping escaping() {
			return new Escaping();
		}

	}

	@AsyncAgent
	public static class Escaping {

		public ByteBuffer escape() {
			return Posms.allocate(16).buffer();
		}

		public CompletableFuture<ByteBuffer> escapeLater() {
			return CompletableFuture.completedFuture(Posms.allocate(16).buffer());
		}

		public ByteBuffer copy() {
			try (Posm posm = Posms.allocate(16)) {
				ByteBuffer copy = ByteBuffer.allocate(16);
				copy.put(posm.buffer());
				return copy.flip();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAspectJAutoProxy
	static class AspectConfiguration {

		@Bean
		WrappingAspect wrappingAspect() {
			return new WrappingAspect();
		}

	}

	@org.aspectj.lang.annotation.Aspect
	public static class WrappingAspect {

		@org.aspectj.lang.annotation.Around("execution(public String dev.posm..ChecksumService.agent())")
		public Object wrap(org.aspectj.lang.ProceedingJoinPoint joinPoint) throws Throwable {
			String outside = currentAgentName();
			return "aspect" + (outside.equals("none") ? "" : "-in-" + outside) + "(" + joinPoint.proceed() + ")";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceConfiguration {

		@Bean
		Greeting greeting() {
			return new Greeter();
		}

	}

	public interface Greeting {

		String greet();

	}

	public static class Greeter implements Greeting {

		@Override
		@AsyncAgent
		public String greet() {
			return currentAgentName();
		}

	}

	static String currentAgentName() {
		return Posms.currentAgent().map(Agent::name).orElse("none");
	}

}
