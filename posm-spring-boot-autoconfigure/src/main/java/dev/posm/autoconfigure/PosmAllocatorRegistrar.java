package dev.posm.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;

/**
 * Registers a {@link PosmAllocator} bean for each allocator of
 * {@code posm.allocators}, named after it, and the {@code default} allocator, unless the
 * application defines a bean of that name. Every setting is checked before anything is
 * registered.
 *
 * @author posm
 */
final class PosmAllocatorRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

	private static final Log logger = LogFactory.getLog(PosmAllocatorRegistrar.class);

	private Environment environment = new StandardEnvironment();

	private @Nullable ClassLoader classLoader = ClassUtils.getDefaultClassLoader();

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	private ClassLoader classLoader() {
		return (this.classLoader != null) ? this.classLoader : PosmAllocatorRegistrar.class.getClassLoader();
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		PosmProperties properties = PosmPropertiesChecks.bind(this.environment, classLoader());
		List<ConfiguredAllocator> allocators = new ArrayList<>();
		for (Map.Entry<String, PosmProperties.Allocator> entry : properties.getAllocators().entrySet()) {
			allocators.add(ConfiguredAllocator.of(entry.getKey(), entry.getValue()));
		}
		if (!properties.getAllocators().containsKey(PosmProperties.DEFAULT_ALLOCATOR_NAME)) {
			allocators.add(ConfiguredAllocator.standard(PosmProperties.DEFAULT_ALLOCATOR_NAME));
		}
		LeakDetection leakDetection = properties.getLeakDetection();
		for (ConfiguredAllocator allocator : allocators) {
			if (registry.isBeanNameInUse(allocator.name())) {
				logger.debug("Allocator '" + allocator.name() + "' is defined by the application: not registering one");
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(PosmAllocator.class,
					() -> allocator.build(leakDetection));
			// frees the retained memory when the context closes
			definition.setDestroyMethodName("close");
			registry.registerBeanDefinition(allocator.name(), definition);
		}
	}

}
