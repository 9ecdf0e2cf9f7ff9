package dev.posm.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.util.unit.DataSize;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.AllocatorType;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.aop.AsyncAgentAnnotationBeanPostProcessor;
import dev.posm.autoconfigure.context.OperationTaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PosmAutoConfiguration}: beans, properties and conditions.
 *
 * @author posm
 */
class PosmAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class));

	@Test
	void registersDefaultAllocatorAgentsAdvisorAndTaskDecorator() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PosmAllocator.class);
			PosmAllocator allocator = context.getBean("default", PosmAllocator.class);
			assertThat(allocator.name()).isEqualTo("default");
			assertThat(allocator.type()).isEqualTo("recycling");
			assertThat(allocator.isDirect()).isTrue();
			assertThat(allocator.describe()).containsEntry("leakDetection", "simple")
				.containsEntry("maxBlockSize", Allocators.DEFAULT_MAX_BLOCK_SIZE)
				.containsEntry("maxRetained", Allocators.DEFAULT_MAX_RETAINED)
				.containsEntry("threadCacheBlocks", Allocators.DEFAULT_THREAD_CACHE_BLOCKS);
			assertThat(context).hasSingleBean(Agents.class).hasBean(PosmAutoConfiguration.AGENTS_BEAN_NAME);
			assertThat(context.getBean(Agents.class).defaultAllocator()).isSameAs(allocator);
			assertThat(context).hasSingleBean(DefaultAllocatorInstaller.class);
			assertThat(context).hasSingleBean(AsyncAgentAnnotationBeanPostProcessor.class);
			assertThat(context).hasSingleBean(OperationTaskDecorator.class)
				.doesNotHaveBean(ContextPropagatingTaskDecorator.class);
			assertThat(context).hasSingleBean(PosmProperties.class);
		});
	}

	@Test
	void propertyDefaultsAreThoseOfTheCore() {
		PosmProperties.Allocator allocator = new PosmProperties.Allocator();
		assertThat(allocator.getMaxBlockSize().toBytes()).isEqualTo(Allocators.DEFAULT_MAX_BLOCK_SIZE);
		assertThat(allocator.getMaxRetained().toBytes()).isEqualTo(Allocators.DEFAULT_MAX_RETAINED);
		assertThat(allocator.getSlabSize().toBytes()).isEqualTo(Allocators.DEFAULT_SLAB_SIZE);
		assertThat(allocator.getThreadCacheBlocks()).isEqualTo(Allocators.DEFAULT_THREAD_CACHE_BLOCKS);
		assertThat(new PosmProperties.Agent().getCacheBlocks()).isEqualTo(Agents.DEFAULT_CACHE_BLOCKS);
	}

	@Test
	void installsTheDefaultAllocatorWhileTheContextRunsAndRestoresItAfter() {
		PosmAllocator before = Posms.defaultAllocator();
		this.runner.withPropertyValues("posm.allocators.main.type=pooled", "posm.default-allocator=main")
			.run((context) -> {
				PosmAllocator main = context.getBean("main", PosmAllocator.class);
				assertThat(Posms.defaultAllocator()).isSameAs(main);
				assertThat(context.getBean(Agents.class).defaultAllocator()).isSameAs(main);
				try (Posm posm = Posms.allocate(100)) {
					assertThat(main.stats().bytesInUse()).isEqualTo(128);
				}
			});
		assertThat(Posms.defaultAllocator()).isSameAs(before);
	}

	@Test
	void bindsEveryAllocatorProperty() {
		this.runner
			.withPropertyValues("posm.leak-detection=paranoid", "posm.allocators.big-io.type=pooled",
					"posm.allocators.big-io.direct=false", "posm.allocators.big-io.max-block-size=2MB",
					"posm.allocators.big-io.max-retained=32MB", "posm.allocators.fast.type=recycling",
					"posm.allocators.fast.thread-cache-blocks=5", "posm.allocators.region.type=slab",
					"posm.allocators.region.slab-size=1MB", "posm.allocators.region.max-block-size=64KB",
					"posm.allocators.plain.type=UNPOOLED", "posm.allocators.nett.type=netty")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(PosmAllocator.class)).containsOnlyKeys("big-io", "fast", "region",
						"plain", "nett", "default");
				PosmAllocator bigIo = context.getBean("big-io", PosmAllocator.class);
				assertThat(bigIo.type()).isEqualTo("pooled");
				assertThat(bigIo.name()).isEqualTo("big-io");
				assertThat(bigIo.isDirect()).isFalse();
				assertThat(bigIo.describe()).containsEntry("maxBlockSize", 2 * 1024 * 1024)
					.containsEntry("maxRetained", 32L * 1024 * 1024)
					.containsEntry("leakDetection", "paranoid");
				try (Posm posm = bigIo.allocate(10)) {
					assertThat(posm.isDirect()).isFalse();
				}
				PosmAllocator fast = context.getBean("fast", PosmAllocator.class);
				assertThat(fast.type()).isEqualTo("recycling");
				assertThat(fast.describe()).containsEntry("threadCacheBlocks", 5);
				PosmAllocator region = context.getBean("region", PosmAllocator.class);
				assertThat(region.type()).isEqualTo("slab");
				assertThat(region.describe()).containsEntry("slabSize", 1024 * 1024)
					.containsEntry("maxBlockSize", 64 * 1024);
				assertThat(context.getBean("plain", PosmAllocator.class).type()).isEqualTo("unpooled");
				assertThat(context.getBean("nett", PosmAllocator.class).type()).isEqualTo("netty");
				assertThat(context.getBean("default", PosmAllocator.class).describe()).containsEntry("leakDetection",
						"paranoid");
			});
	}

	@Test
	void bindsTheRemainingProperties() {
		this.runner
			.withPropertyValues("posm.observations.enabled=true", "posm.agents.relay.allocator=default",
					"posm.agents.relay.cache-blocks=4", "posm.allocators.big-io.max-retained=128MB")
			.run((context) -> {
				PosmProperties properties = context.getBean(PosmProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getObservations().isEnabled()).isTrue();
				assertThat(properties.getLeakDetection()).isEqualTo(dev.posm.LeakDetection.SIMPLE);
				assertThat(properties.getDefaultAllocator()).isEqualTo("default");
				assertThat(properties.getAgents().get("relay").getAllocator()).isEqualTo("default");
				assertThat(properties.getAgents().get("relay").getCacheBlocks()).isEqualTo(4);
				assertThat(properties.getAllocators().get("big-io").getType()).isEqualTo(AllocatorType.RECYCLING);
				assertThat(properties.getAllocators().get("big-io").getMaxRetained())
					.isEqualTo(DataSize.ofMegabytes(128));
			});
	}

	@Test
	void configuredAllocatorsAreInjectableByQualifier() {
		this.runner.withPropertyValues("posm.allocators.big-io.type=pooled")
			.withUserConfiguration(QualifiedConsumer.class)
			.run((context) -> assertThat(context.getBean(QualifiedConsumer.class).allocator)
				.isSameAs(context.getBean("big-io")));
	}

	@Test
	void bindsAgentsToConfiguredAndUserAllocators() {
		this.runner.withUserConfiguration(UserAllocatorConfiguration.class)
			.withPropertyValues("posm.allocators.big-io.type=pooled", "posm.agents.relay.allocator=big-io",
					"posm.agents.uploads.allocator=mine")
			.run((context) -> {
				Agents agents = context.getBean(Agents.class);
				assertThat(agents.agent("relay").allocator()).isSameAs(context.getBean("big-io"));
				assertThat(agents.agent("uploads").allocator()).isSameAs(context.getBean("mine"));
				assertThat(agents.agent("other").allocator()).isSameAs(context.getBean("default"));
			});
	}

	@Test
	void cacheBlocksSetWhatAnAgentKeeps() {
		this.runner.withPropertyValues("posm.agents.keeper.cache-blocks=1", "posm.agents.giver.cache-blocks=0")
			.run((context) -> {
				Agents agents = context.getBean(Agents.class);
				assertThat(runOneOperation(agents.agent("keeper"))).isPositive();
				assertThat(runOneOperation(agents.agent("giver"))).isZero();
			});
	}

	private static long runOneOperation(Agent agent) {
		try (Operation operation = agent.begin()) {
			operation.allocate(1000).release();
		}
		return agent.cachedBytes();
	}

	@Test
	void userDefaultAllocatorReplacesOurs() {
		this.runner.withUserConfiguration(UserDefaultAllocatorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PosmAllocator.class);
			assertThat(context.getBean("default", PosmAllocator.class).type()).isEqualTo("unpooled");
			assertThat(Posms.defaultAllocator()).isSameAs(context.getBean("default"));
		});
	}

	@Test
	void userBeanOfAConfiguredNameWins() {
		this.runner.withUserConfiguration(UserAllocatorConfiguration.class)
			.withPropertyValues("posm.allocators.mine.type=pooled")
			.run((context) -> assertThat(context.getBean("mine", PosmAllocator.class).type()).isEqualTo("unpooled"));
	}

	@Test
	void userAgentsReplaceOursAndProvideTheDefaultAllocator() {
		this.runner.withUserConfiguration(UserAgentsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Agents.class);
			Agents agents = context.getBean(Agents.class);
			assertThat(agents).isSameAs(context.getBean("myAgents"));
			assertThat(Posms.defaultAllocator()).isSameAs(agents.defaultAllocator());
		});
	}

	@Test
	void userBeansReplaceTheInstallerAndThePostProcessor() {
		this.runner.withUserConfiguration(UserInfrastructureConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DefaultAllocatorInstaller.class)
				.hasSingleBean(AsyncAgentAnnotationBeanPostProcessor.class);
			assertThat(context).hasBean("myInstaller").hasBean("myPostProcessor");
		});
	}

	@Test
	void userTaskDecoratorGoesWithPosmsOwn() {
		this.runner.withUserConfiguration(UserTaskDecoratorConfiguration.class)
			.run((context) -> assertThat(context).hasBean("myDecorator")
				.hasSingleBean(OperationTaskDecorator.class)
				.doesNotHaveBean(ContextPropagatingTaskDecorator.class));
	}

	@Test
	void userContextPropagatingTaskDecoratorCarriesTheOperationSoPosmDeclaresNone() {
		this.runner.withUserConfiguration(UserContextPropagationConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(TaskDecorator.class)
				.hasSingleBean(ContextPropagatingTaskDecorator.class)
				.doesNotHaveBean(OperationTaskDecorator.class));
	}

	@Test
	void taskDecoratorReachesBootsExecutor() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(OperationTaskDecorator.class)
				.hasBean("applicationTaskExecutor"));
	}

	@Test
	void taskDecoratorWithoutContextPropagation() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OperationTaskDecorator.class)
				.hasSingleBean(Agents.class));
	}

	@Test
	void worksWithoutReactorNettyActuatorAndMicrometer() {
		this.runner
			.withClassLoader(new FilteredClassLoader("reactor.", "org.reactivestreams", "io.netty",
					"org.springframework.boot.actuate", "io.micrometer.core", "io.micrometer.observation"))
			.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(Agents.class);
				Greeter greeter = context.getBean(Greeter.class);
				assertThat(AopUtils.isAopProxy(greeter)).isTrue();
				assertThat(greeter.greet()).isEqualTo("hello from greeter");
			});
	}

	@Test
	void disabledRegistersNothingAndLeavesAnnotatedMethodsAlone() {
		this.runner.withPropertyValues("posm.enabled=false", "posm.allocators.big-io.type=nonsense")
			.withUserConfiguration(AnnotatedServiceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(PosmAllocator.class)
					.doesNotHaveBean(Agents.class)
					.doesNotHaveBean(PosmProperties.class)
					.doesNotHaveBean(DefaultAllocatorInstaller.class)
					.doesNotHaveBean(AsyncAgentAnnotationBeanPostProcessor.class)
					.doesNotHaveBean(TaskDecorator.class);
				Greeter greeter = context.getBean(Greeter.class);
				assertThat(AopUtils.isAopProxy(greeter)).isFalse();
				assertThat(greeter.greet()).isEqualTo("hello from nobody");
			});
	}

	@Test
	void allocatorsAreClosedWithTheContext() {
		PosmAllocator[] allocators = new PosmAllocator[2];
		this.runner.withPropertyValues("posm.allocators.big-io.type=pooled").run((context) -> {
			allocators[0] = context.getBean("big-io", PosmAllocator.class);
			allocators[1] = context.getBean("default", PosmAllocator.class);
			for (PosmAllocator allocator : allocators) {
				allocator.allocate(4096).release();
				assertThat(allocator.stats().retainedBytes()).isPositive();
			}
		});
		for (PosmAllocator allocator : allocators) {
			assertThat(allocator.stats().retainedBytes()).isZero();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class QualifiedConsumer {

		final PosmAllocator allocator;

		QualifiedConsumer(@Qualifier("big-io") PosmAllocator allocator) {
			this.allocator = allocator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAllocatorConfiguration {

		@Bean
		PosmAllocator mine() {
			return Allocators.unpooled("mine").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDefaultAllocatorConfiguration {

		@Bean("default")
		PosmAllocator myDefault() {
			return Allocators.unpooled("my-default").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAgentsConfiguration {

		@Bean
		Agents myAgents() {
			return new Agents(Allocators.pooled("theirs").build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserInfrastructureConfiguration {

		@Bean
		DefaultAllocatorInstaller myInstaller() {
			return new DefaultAllocatorInstaller(Allocators.unpooled("x").build());
		}

		@Bean
		static AsyncAgentAnnotationBeanPostProcessor myPostProcessor() {
			return new AsyncAgentAnnotationBeanPostProcessor(() -> new Agents(Allocators.unpooled("y").build()),
					dev.posm.LeakDetection.SIMPLE);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTaskDecoratorConfiguration {

		@Bean
		TaskDecorator myDecorator() {
			return (runnable) -> runnable;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserContextPropagationConfiguration {

		@Bean
		ContextPropagatingTaskDecorator myContextPropagation() {
			return new ContextPropagatingTaskDecorator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedServiceConfiguration {

		@Bean
		Greeter greeter() {
			return new Greeter();
		}

	}

	// public: under a FilteredClassLoader the proxy class lives in another class loader
	@AsyncAgent
	public static class Greeter {

		public String greet() {
			return "hello from " + Posms.currentAgent().map(Agent::name).orElse("nobody");
		}

	}

}
