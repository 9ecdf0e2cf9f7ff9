package dev.posm.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import dev.posm.Agents;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.aop.AsyncAgentAnnotationBeanPostProcessor;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for posm: a {@link PosmAllocator}
 * bean per configured allocator (and {@code default}), the {@link Agents} bound to them,
 * the {@code @AsyncAgent} advisor and, with Micrometer's context-propagation, a task
 * decorator that carries the current operation to executor threads.
 *
 * @author posm
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "posm.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PosmProperties.class)
@Import(PosmAllocatorRegistrar.class)
public final class PosmAutoConfiguration {

	/**
	 * Name of the {@link Agents} bean.
	 */
	public static final String AGENTS_BEAN_NAME = "posmAgents";

	@Bean(AGENTS_BEAN_NAME)
	@ConditionalOnMissingBean
	Agents posmAgents(PosmProperties properties, ConfigurableListableBeanFactory beanFactory) {
		return PosmPropertiesChecks.agents(properties, beanFactory, AGENTS_BEAN_NAME);
	}

	@Bean
	@ConditionalOnMissingBean
	DefaultAllocatorInstaller posmDefaultAllocatorInstaller(Agents agents) {
		return new DefaultAllocatorInstaller(agents.defaultAllocator());
	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncAgentConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static AsyncAgentAnnotationBeanPostProcessor asyncAgentAnnotationBeanPostProcessor(
				ObjectProvider<Agents> agents, Environment environment) {
			LeakDetection leakDetection = Binder.get(environment)
				.bind("posm.leak-detection", LeakDetection.class)
				.orElse(LeakDetection.SIMPLE);
			// looked up on first use: a post-processor must not pull the allocators in early
			return new AsyncAgentAnnotationBeanPostProcessor(agents::getObject, leakDetection);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.context.ContextSnapshotFactory")
	static class ContextPropagationConfiguration {

		@Bean
		@ConditionalOnMissingBean(TaskDecorator.class)
		ContextPropagatingTaskDecorator posmContextPropagatingTaskDecorator() {
			return new ContextPropagatingTaskDecorator();
		}

	}

}
