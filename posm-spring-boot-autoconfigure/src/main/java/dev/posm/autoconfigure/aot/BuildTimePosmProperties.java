package dev.posm.autoconfigure.aot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.posm.autoconfigure.PosmProperties;

/**
 * The {@code posm.*} values that Spring AOT fixes at build time: whether posm is enabled,
 * whether operations are observed, whether Reactor Netty's server and client connections
 * get agents (each decides which beans exist) and the names of the allocators of
 * {@code posm.allocators} (each one a bean definition). An AOT-processed
 * application checks them against its run-time environment before any bean is created,
 * and stops if one differs, since the frozen bean definitions would silently ignore it.
 * <p>
 * Every other {@code posm.*} value is read when the beans are created, and so takes
 * effect at run time: the settings of each allocator, the agents, the default allocator
 * and the leak detection. A new condition on a {@code posm.*} property (such as
 * {@code @ConditionalOnBooleanProperty}) belongs here too, or AOT freezes it silently.
 *
 * @param enabled the value of {@code posm.enabled}
 * @param observationsEnabled the value of {@code posm.observations.enabled}
 * @param allocators the names of the allocators of {@code posm.allocators} but
 * {@code default} (a bean of that name exists either way), sorted
 * @param nettyServerEnabled the value of {@code posm.netty.server.enabled}
 * @param nettyClientEnabled the value of {@code posm.netty.client.enabled}
 * @author posm
 */
public record BuildTimePosmProperties(boolean enabled, boolean observationsEnabled, List<String> allocators,
		boolean nettyServerEnabled, boolean nettyClientEnabled) {

	/**
	 * Create an instance, sorting the names.
	 * @param enabled the value of {@code posm.enabled}
	 * @param observationsEnabled the value of {@code posm.observations.enabled}
	 * @param allocators the names of the allocators of {@code posm.allocators}
	 * @param nettyServerEnabled the value of {@code posm.netty.server.enabled}
	 * @param nettyClientEnabled the value of {@code posm.netty.client.enabled}
	 */
	public BuildTimePosmProperties {
		allocators = List.copyOf(new TreeSet<>(allocators));
	}

	/**
	 * Create an instance with Reactor Netty's connections on posm (the default).
	 * @param enabled the value of {@code posm.enabled}
	 * @param observationsEnabled the value of {@code posm.observations.enabled}
	 * @param allocators the names of the allocators of {@code posm.allocators}
	 */
	public BuildTimePosmProperties(boolean enabled, boolean observationsEnabled, List<String> allocators) {
		this(enabled, observationsEnabled, allocators, true, true);
	}

	/**
	 * Read the values from an environment.
	 * @param environment the environment
	 * @return the values
	 */
	public static BuildTimePosmProperties of(Environment environment) {
		Binder binder = Binder.get(environment);
		boolean enabled = binder.bind("posm.enabled", Boolean.class).orElse(true);
		boolean observations = binder.bind("posm.observations.enabled", Boolean.class).orElse(false);
		boolean nettyServer = binder.bind("posm.netty.server.enabled", Boolean.class).orElse(true);
		boolean nettyClient = binder.bind("posm.netty.client.enabled", Boolean.class).orElse(true);
		// names only: a bad setting is reported, with its own property, when its bean is created
		Set<String> allocators = binder.bind("posm.allocators", Bindable.mapOf(String.class, Object.class))
			.map(Map::keySet)
			.orElse(Set.of());
		List<String> names = new ArrayList<>(allocators);
		// its bean exists whether it is configured or not, and takes its settings when created
		names.remove(PosmProperties.DEFAULT_ALLOCATOR_NAME);
		return new BuildTimePosmProperties(enabled, observations, names, nettyServer, nettyClient);
	}

	/**
	 * Check that an environment has the same values, the check an AOT-processed
	 * application runs when it starts.
	 * @param environment the run-time environment
	 * @throws PosmPropertyFixedAtBuildTimeException naming the first property that
	 * differs
	 */
	public void check(Environment environment) {
		BuildTimePosmProperties runTime = of(environment);
		if (runTime.enabled != this.enabled) {
			throw new PosmPropertyFixedAtBuildTimeException("posm.enabled", String.valueOf(runTime.enabled),
					String.valueOf(this.enabled), "it decides whether posm's beans exist");
		}
		if (!this.enabled) {
			return;
		}
		if (runTime.observationsEnabled != this.observationsEnabled) {
			throw new PosmPropertyFixedAtBuildTimeException("posm.observations.enabled",
					String.valueOf(runTime.observationsEnabled), String.valueOf(this.observationsEnabled),
					"it decides whether the observing operation listener bean exists");
		}
		if (runTime.nettyServerEnabled != this.nettyServerEnabled) {
			throw new PosmPropertyFixedAtBuildTimeException("posm.netty.server.enabled",
					String.valueOf(runTime.nettyServerEnabled), String.valueOf(this.nettyServerEnabled),
					"it decides whether the Reactor Netty server customizer bean exists");
		}
		if (runTime.nettyClientEnabled != this.nettyClientEnabled) {
			throw new PosmPropertyFixedAtBuildTimeException("posm.netty.client.enabled",
					String.valueOf(runTime.nettyClientEnabled), String.valueOf(this.nettyClientEnabled),
					"it decides whether the Reactor Netty client customizer beans exist");
		}
		String reason = "every allocator of posm.allocators is a bean, and the bean definitions were fixed at build time";
		String built = "the allocators of posm.allocators were " + this.allocators;
		for (String name : runTime.allocators) {
			if (!this.allocators.contains(name)) {
				throw new PosmPropertyFixedAtBuildTimeException("posm.allocators." + name, "set",
						"not set (" + built + ")", reason);
			}
		}
		for (String name : this.allocators) {
			if (!runTime.allocators.contains(name)) {
				throw new PosmPropertyFixedAtBuildTimeException("posm.allocators." + name, "not set",
						"set (" + built + ")", reason);
			}
		}
	}

}
