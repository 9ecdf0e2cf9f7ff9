package dev.posm.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;

import dev.posm.Agents;
import dev.posm.PosmAllocator;

/**
 * The checks of {@code posm.default-allocator} and {@code posm.agents}, and the
 * {@link Agents} they describe.
 *
 * @author posm
 */
final class PosmPropertiesChecks {

	private PosmPropertiesChecks() {
	}

	/**
	 * Check the settings of every agent that do not refer to other beans.
	 * @param properties the properties
	 * @throws InvalidPosmPropertyException if a setting cannot be used
	 */
	static void checkAgents(PosmProperties properties) {
		for (Map.Entry<String, PosmProperties.Agent> entry : properties.getAgents().entrySet()) {
			int cacheBlocks = entry.getValue().getCacheBlocks();
			if (cacheBlocks < 0) {
				throw new InvalidPosmPropertyException("posm.agents." + entry.getKey() + ".cache-blocks", cacheBlocks,
						"an agent cannot keep a negative number of blocks",
						List.of("0 (keep none)", "a positive number of blocks, such as 2"));
			}
		}
	}

	/**
	 * Build the agents of the application: the default allocator and each agent's
	 * allocator are looked up by bean name.
	 * @param properties the properties
	 * @param beanFactory where the allocators are
	 * @param agentsBeanName the name of the bean being built, made dependent on the
	 * allocators so that it is destroyed before them
	 * @return the agents
	 * @throws InvalidPosmPropertyException if a name refers to no allocator
	 */
	static Agents agents(PosmProperties properties, ListableBeanFactory beanFactory, String agentsBeanName) {
		checkAgents(properties);
		PosmAllocator defaultAllocator = allocator("posm.default-allocator", properties.getDefaultAllocator(),
				beanFactory, agentsBeanName);
		Agents.Builder builder = Agents.builder(defaultAllocator);
		properties.getAgents().forEach((agent, settings) -> {
			String allocator = settings.getAllocator();
			if (allocator != null) {
				builder.allocator(agent,
						allocator("posm.agents." + agent + ".allocator", allocator, beanFactory, agentsBeanName));
			}
			builder.cacheBlocks(agent, settings.getCacheBlocks());
		});
		return builder.build();
	}

	private static PosmAllocator allocator(String property, @Nullable String name, ListableBeanFactory beanFactory,
			String dependentBeanName) {
		if (name == null || !beanFactory.containsBean(name) || !beanFactory.isTypeMatch(name, PosmAllocator.class)) {
			throw new InvalidPosmPropertyException(property, String.valueOf(name),
					"there is no allocator of that name", allocatorNames(beanFactory));
		}
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			configurable.registerDependentBean(name, dependentBeanName);
		}
		return beanFactory.getBean(name, PosmAllocator.class);
	}

	private static List<String> allocatorNames(ListableBeanFactory beanFactory) {
		Collection<String> names = new TreeSet<>(List.of(beanFactory.getBeanNamesForType(PosmAllocator.class)));
		return List.copyOf(names);
	}

}
