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
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import io.micrometer.observation.ObservationRegistry;

import dev.posm.Agents;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.aop.AsyncAgentAnnotationBeanPostProcessor;
import dev.posm.autoconfigure.aop.ObservingOperationListener;
import dev.posm.autoconfigure.aop.OperationListener;
import dev.posm.autoconfigure.context.OperationTaskDecorator;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for posm: a {@link PosmAllocator}
 * bean per configured allocator (and {@code default}), the {@link Agents} bound to them,
 * the {@code @AsyncAgent} advisor, a task decorator that carries the current operation
 * to the threads of Spring Boot's executors and, when {@code posm.observations.enabled},
 * an observation of every operation.
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

	/**
	 * Spring Boot composes every {@code TaskDecorator} bean, the application's with this
	 * one. A {@code ContextPropagatingTaskDecorator} carries the operation already
	 * (through posm's accessor): with one, posm declares none.
	 */
	@Bean
	@ConditionalOnMissingBean({ OperationTaskDecorator.class, ContextPropagatingTaskDecorator.class })
	OperationTaskDecorator posmOperationTaskDecorator() {
		return new OperationTaskDecorator();
	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncAgentConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static AsyncAgentAnnotationBeanPostProcessor asyncAgentAnnotationBeanPostProcessor(
				ObjectProvider<Agents> agents, ObjectProvider<OperationListener> listener, Environment environment) {
			LeakDetection leakDetection = Binder.get(environment)
				.bind("posm.leak-detection", LeakDetection.class)
				.orElse(LeakDetection.SIMPLE);
			// looked up on first use: a post-processor must not pull the allocators in early
			return new AsyncAgentAnnotationBeanPostProcessor(agents::getObject, leakDetection,
					listener::getIfUnique);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
	@ConditionalOnBooleanProperty("posm.observations.enabled")
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ObservingOperationListener posmObservingOperationListener(
				ObjectProvider<ObservationRegistry> observationRegistry) {
			return new ObservingOperationListener(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

	}

}
