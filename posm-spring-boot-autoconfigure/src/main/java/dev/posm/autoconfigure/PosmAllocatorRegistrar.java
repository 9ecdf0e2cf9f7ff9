package dev.posm.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import dev.posm.PosmAllocator;

/**
 * Registers a {@link PosmAllocator} bean for each allocator of
 * {@code posm.allocators}, named after it, and the {@code default} allocator, unless the
 * application defines a bean of that name. Every setting is checked before anything is
 * registered.
 * <p>
 * A definition holds the allocator's name only, and its settings are bound again when
 * the bean is created (see {@link #allocator(String, Environment, ConfigurableListableBeanFactory)}):
 * Spring AOT can write such a definition as code, and an AOT-processed application then
 * uses the settings it is started with. The names themselves are fixed when the
 * definitions are; {@code dev.posm.autoconfigure.aot} stops an AOT-processed application
 * whose run-time names differ.
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
		for (ConfiguredAllocator allocator : allocators) {
			if (registry.isBeanNameInUse(allocator.name())) {
				logger.debug("Allocator '" + allocator.name() + "' is defined by the application: not registering one");
				continue;
			}
			registry.registerBeanDefinition(allocator.name(), definition(allocator.name()));
		}
	}

	/**
	 * Return the definition of the allocator bean of that name: a static factory method
	 * with the name as its one given argument (no instance supplier, which Spring AOT
	 * cannot write as code).
	 */
	static RootBeanDefinition definition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition(PosmAllocatorRegistrar.class);
		definition.setUniqueFactoryMethodName("allocator");
		definition.setTargetType(PosmAllocator.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		// the environment and the bean factory
		definition.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
		// frees the retained memory when the context closes
		definition.setDestroyMethodName("close");
		return definition;
	}

	/**
	 * Build the allocator of that name from the {@code posm.*} properties as they are
	 * when the bean is created: the factory method of every allocator bean this registrar
	 * registers.
	 * @param name the allocator's name
	 * @param environment the environment of the application
	 * @param beanFactory the bean factory, for its class loader
	 * @return a new allocator
	 * @throws InvalidPosmPropertyException if a setting cannot be used
	 */
	static PosmAllocator allocator(String name, Environment environment, ConfigurableListableBeanFactory beanFactory) {
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		// checked again: under AOT, this is the first look at the run-time properties
		PosmProperties properties = PosmPropertiesChecks.bind(environment,
				(classLoader != null) ? classLoader : PosmAllocatorRegistrar.class.getClassLoader());
		PosmProperties.Allocator settings = properties.getAllocators().get(name);
		ConfiguredAllocator allocator;
		if (settings != null) {
			allocator = ConfiguredAllocator.of(name, settings);
		}
		else if (PosmProperties.DEFAULT_ALLOCATOR_NAME.equals(name)) {
			allocator = ConfiguredAllocator.standard(name);
		}
		else {
			// only an AOT-processed application started without the allocator it was built
			// with gets here, and dev.posm.autoconfigure.aot stops it before
			throw new IllegalStateException("Allocator '" + name + "' was registered from property 'posm.allocators."
					+ name + "', which is no longer set");
		}
		return allocator.build(properties.getLeakDetection());
	}

}
