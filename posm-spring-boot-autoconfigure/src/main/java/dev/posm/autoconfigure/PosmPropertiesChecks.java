package dev.posm.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import dev.posm.AllocatorType;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;

/**
 * The checks of every {@code posm.*} property, and the {@link Agents} they describe.
 * Every failure names the property as the user wrote it, the value as written and where
 * it was written; a rule between two properties blames the one the user set.
 *
 * @author posm
 */
final class PosmPropertiesChecks {

	private static final String ALLOCATORS = PosmPropertyNames.PREFIX + ".allocators.";

	private static final String AGENTS = PosmPropertyNames.PREFIX + ".agents.";

	private PosmPropertiesChecks() {
	}

	/**
	 * Bind {@code posm.*} and check every value that does not refer to a bean: keys posm
	 * does not know, values that are not of their type, values out of range, settings
	 * that contradict each other.
	 * @param environment the environment
	 * @param classLoader the application's class loader (is netty-buffer there?)
	 * @return the checked properties
	 * @throws UnknownPosmPropertyException if a key under {@code posm.*} is unknown
	 * @throws InvalidPosmPropertyException if a value cannot be used
	 */
	static PosmProperties bind(Environment environment, ClassLoader classLoader) {
		PosmProperties properties;
		try {
			properties = Binder.get(environment)
				.bind(PosmPropertyNames.PREFIX, Bindable.of(PosmProperties.class),
						new NoUnboundElementsBindHandler(BindHandler.DEFAULT, PosmPropertiesChecks::isCheckedForKeys))
				.orElseGet(PosmProperties::new);
		}
		catch (BindException ex) {
			throw translate(ex, environment, classLoader);
		}
		Written written = new Written(environment);
		properties.getAllocators().forEach((name, settings) -> checkAllocator(name, settings, written, classLoader));
		properties.getAgents().forEach((name, settings) -> checkAgent(name, settings, written));
		checkNetty(properties.getNetty(), written);
		return properties;
	}

	/**
	 * Whether keys posm does not know are looked for in a source. Not in environment
	 * variables: Kubernetes gives every pod {@code POSM_SERVICE_HOST},
	 * {@code POSM_PORT}, ... when a service called {@code posm} runs in its namespace.
	 */
	private static boolean isCheckedForKeys(ConfigurationPropertySource source) {
		return !(source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource);
	}

	/**
	 * Turn a failure of Boot's binder under {@code posm} into posm's own: the unknown
	 * keys with the nearest known ones, or the value that is not of its type with the
	 * accepted values in the words of the documentation.
	 * @param failure the failure
	 * @param environment the environment, to find the value as written where the
	 * failure does not say
	 * @param classLoader the application's class loader
	 * @return the exception to throw instead
	 */
	static RuntimeException translate(BindException failure, @Nullable Environment environment,
			@Nullable ClassLoader classLoader) {
		if (failure.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			List<UnknownPosmPropertyException.UnknownKey> unknown = new ArrayList<>();
			for (ConfigurationProperty property : unbound.getUnboundProperties()) {
				String name = property.getName().toString();
				PosmPropertyNames.Known known = known(property.getName());
				if (known != null) {
					// a known key whose value bound to nothing: an empty value
					return invalid(name, property.getValue(), property.getOrigin(), "a value is required",
							accepted(name, known.type(), classLoader));
				}
				unknown.add(new UnknownPosmPropertyException.UnknownKey(name, property.getValue(),
						property.getOrigin(), PosmPropertyNames.nearest(name)));
			}
			return new UnknownPosmPropertyException(unknown);
		}
		String name = failure.getName().toString();
		ConfigurationProperty property = (failure.getProperty() != null) ? failure.getProperty()
				: new Written(environment).find(name);
		Object value = (property != null) ? property.getValue() : "";
		Origin origin = (property != null) ? property.getOrigin() : failure.getOrigin();
		Class<?> type = failure.getTarget().getType().toClass();
		InvalidPosmPropertyException translated = invalid(name, value, origin, notOfType(type),
				accepted(name, type, classLoader));
		translated.initCause(failure);
		return translated;
	}

	private static PosmPropertyNames.@Nullable Known known(ConfigurationPropertyName name) {
		for (PosmPropertyNames.Known known : PosmPropertyNames.known()) {
			String[] elements = known.name().split("\\.");
			if (elements.length != name.getNumberOfElements()) {
				continue;
			}
			boolean matches = true;
			for (int i = 0; i < elements.length && matches; i++) {
				matches = PosmPropertyNames.MAP_KEY.equals(elements[i]) || elements[i].replace("-", "")
					.equals(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
			}
			if (matches) {
				return known;
			}
		}
		return null;
	}

	private static String notOfType(Class<?> type) {
		if (type == AllocatorType.class) {
			return "there is no allocator type of that name";
		}
		if (type == LeakDetection.class) {
			return "there is no leak detection level of that name";
		}
		if (type.isEnum()) {
			return "it is not one of the accepted values";
		}
		if (type == DataSize.class) {
			return "it is not a size";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "it is neither true nor false";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "it is not a whole number";
		}
		if (type.getName().startsWith(PosmProperties.class.getName() + "$")) {
			return "this is a group of settings, not a value";
		}
		return "it cannot be read as a " + type.getSimpleName();
	}

	private static List<String> accepted(String name, Class<?> type, @Nullable ClassLoader classLoader) {
		if (type == AllocatorType.class) {
			return acceptedTypes(classLoader);
		}
		if (type.isEnum()) {
			List<String> accepted = new ArrayList<>();
			for (Object constant : type.getEnumConstants()) {
				accepted.add(id((Enum<?>) constant));
			}
			return accepted;
		}
		if (type == DataSize.class) {
			return List.of("a size such as 512KB or 64MB (units B, KB, MB, GB, TB)");
		}
		if (type == boolean.class || type == Boolean.class) {
			return List.of("true", "false");
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return List.of("a whole number, such as 2");
		}
		String group = (type == PosmProperties.Allocator.class) ? ALLOCATORS + PosmPropertyNames.MAP_KEY + "."
				: (type == PosmProperties.Agent.class) ? AGENTS + PosmPropertyNames.MAP_KEY + "." : null;
		List<String> keys = new ArrayList<>();
		for (PosmPropertyNames.Known known : PosmPropertyNames.known()) {
			if (group != null && known.name().startsWith(group)) {
				keys.add(name + "." + known.name().substring(group.length()) + ": ...");
			}
		}
		return keys.isEmpty() ? List.of("a " + type.getSimpleName()) : keys;
	}

	private static void checkAllocator(String name, PosmProperties.Allocator settings, Written written,
			ClassLoader classLoader) {
		String prefix = ALLOCATORS + key(name) + ".";
		AllocatorType type = settings.getType();
		if (!Allocators.isAvailable(type, classLoader)) {
			throw written.invalid(prefix + "type", type,
					"type '" + id(type) + "' needs io.netty:netty-buffer on the classpath, and it is not there",
					acceptedTypes(classLoader));
		}
		if (type == AllocatorType.SLAB && !settings.isDirect()) {
			throw written.invalid(prefix + "direct", false,
					"a slab is always direct: its blocks are carved from one direct region",
					List.of("true (or leave it out)", "or, for heap buffers, another type such as pooled"));
		}
		long maxRetained = bytes(written, prefix + "max-retained", settings.getMaxRetained(), 0, Long.MAX_VALUE,
				"0 (keep nothing) or a positive size, such as 64MB");
		long maxBlockSize = bytes(written, prefix + "max-block-size", settings.getMaxBlockSize(), 1,
				Allocators.MAX_BLOCK_SIZE_LIMIT, "a size from 1B to 1GB, such as 1MB");
		if (settings.getThreadCacheBlocks() < 0) {
			throw written.invalid(prefix + "thread-cache-blocks", settings.getThreadCacheBlocks(),
					"a thread cannot keep a negative number of blocks",
					List.of("0 (no thread cache)", "a positive number of blocks, such as 2"));
		}
		bytes(written, prefix + "slab-size", settings.getSlabSize(), 1, Integer.MAX_VALUE,
				"a positive size below 2GB, such as 16MB");
		if (maxRetained > 0 && maxBlockSize > maxRetained) {
			blameTheOneSet(prefix, settings, written);
		}
	}

	/**
	 * {@code max-block-size} is larger than {@code max-retained}: blame the one the user
	 * set, and say that the other one is the default.
	 */
	private static void blameTheOneSet(String prefix, PosmProperties.Allocator settings, Written written) {
		String blockSize = prefix + "max-block-size";
		String retained = prefix + "max-retained";
		if (written.isSet(blockSize)) {
			String retainedText = written.text(retained, settings.getMaxRetained());
			String what = written.isSet(retained) ? retained + " (" + retainedText + ")"
					: "the default of " + retained + " (" + retainedText + ")";
			throw written.invalid(blockSize, settings.getMaxBlockSize(),
					"it is larger than " + what + ": no block of that size could ever be kept for reuse",
					List.of("a size up to " + retainedText, "or raise " + retained));
		}
		String blockSizeText = written.text(blockSize, settings.getMaxBlockSize());
		throw written.invalid(retained, settings.getMaxRetained(),
				"it is smaller than " + blockSize + ", which you did not set: its default is " + blockSizeText
						+ ", and no block of that size could ever be kept for reuse",
				List.of("0 (keep nothing)", "a size of at least " + blockSizeText,
						"or also set " + blockSize + " to at most " + written.text(retained, settings.getMaxRetained())));
	}

	private static void checkAgent(String name, PosmProperties.Agent settings, Written written) {
		String prefix = AGENTS + key(name) + ".";
		if (settings.getCacheBlocks() < 0) {
			throw written.invalid(prefix + "cache-blocks", settings.getCacheBlocks(),
					"an agent cannot keep a negative number of blocks",
					List.of("0 (keep none)", "a positive number of blocks, such as 2"));
		}
		if (settings.getCacheBlocks() > Agents.MAX_CACHE_BLOCKS) {
			throw written.invalid(prefix + "cache-blocks", settings.getCacheBlocks(),
					"an agent keeps at most " + Agents.MAX_CACHE_BLOCKS + " blocks: they are memory neither in use "
							+ "nor bounded by its allocator's max-retained",
					List.of("a number of blocks from 0 to " + Agents.MAX_CACHE_BLOCKS
							+ " (the default, 2, serves an operation that takes two POSMs at once)"));
		}
		budget(written, prefix + "max-bytes-in-use", settings.getMaxBytesInUse());
		budget(written, prefix + "max-total-bytes-in-use", settings.getMaxTotalBytesInUse());
	}

	private static void checkNetty(PosmProperties.Netty netty, Written written) {
		PosmProperties.Netty defaults = new PosmProperties.Netty();
		agentName(written, PosmPropertyNames.PREFIX + ".netty.server.agent", netty.getServer().getAgent(),
				defaults.getServer().getAgent());
		agentName(written, PosmPropertyNames.PREFIX + ".netty.client.agent", netty.getClient().getAgent(),
				defaults.getClient().getAgent());
	}

	private static void agentName(Written written, String property, @Nullable String name, String example) {
		if (name == null || name.isBlank()) {
			throw written.invalid(property, (name != null) ? name : "", "an agent needs a name",
					List.of("a name such as " + example + " (the default), whose settings are those of posm.agents."
							+ example));
		}
	}

	private static void budget(Written written, String property, @Nullable DataSize budget) {
		if (budget != null && budget.toBytes() <= 0) {
			throw written.invalid(property, budget,
					(budget.toBytes() < 0) ? "a size cannot be negative" : "a budget of 0 bytes would refuse every POSM",
					List.of("a positive size, such as 256KB", "or leave it out for no budget"));
		}
	}

	private static long bytes(Written written, String property, @Nullable DataSize size, long min, long max,
			String accepted) {
		if (size == null) {
			throw written.invalid(property, "", "a size is required", List.of(accepted));
		}
		long bytes = size.toBytes();
		if (bytes < min || bytes > max) {
			String reason = (bytes < 0) ? "a size cannot be negative"
					: (bytes < min) ? "a size of " + bytes + " bytes makes no sense here"
							: "it is larger than " + ((max == Allocators.MAX_BLOCK_SIZE_LIMIT) ? "1GB" : max + " bytes");
			throw written.invalid(property, size, reason, List.of(accepted));
		}
		return bytes;
	}

	private static List<String> acceptedTypes(@Nullable ClassLoader classLoader) {
		ClassLoader loader = (classLoader != null) ? classLoader : PosmPropertiesChecks.class.getClassLoader();
		List<String> accepted = new ArrayList<>();
		for (AllocatorType type : AllocatorType.values()) {
			accepted.add(Allocators.isAvailable(type, loader) ? type.id()
					: type.id() + " (once io.netty:netty-buffer is on the classpath)");
		}
		return accepted;
	}

	private static InvalidPosmPropertyException invalid(String property, @Nullable Object value,
			@Nullable Origin origin, String reason, List<String> accepted) {
		return new InvalidPosmPropertyException(property, (value != null) ? value : "", reason, accepted, origin);
	}

	/**
	 * Return a map key as it is written in a property name: in brackets where it holds
	 * what a name element cannot.
	 */
	private static String key(String key) {
		return ConfigurationPropertyName.isValid(key) && !key.contains(".") ? key : "[" + key + "]";
	}

	private static String id(Enum<?> constant) {
		return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Check the settings of every agent that do not refer to other beans.
	 * @param properties the properties
	 * @throws InvalidPosmPropertyException if a setting cannot be used
	 */
	static void checkAgents(PosmProperties properties) {
		properties.getAgents().forEach((name, settings) -> checkAgent(name, settings, Written.NONE));
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
						allocator(AGENTS + key(agent) + ".allocator", allocator, beanFactory, agentsBeanName));
			}
			builder.cacheBlocks(agent, settings.getCacheBlocks());
			DataSize maxBytesInUse = settings.getMaxBytesInUse();
			if (maxBytesInUse != null) {
				builder.maxBytesInUse(agent, maxBytesInUse.toBytes());
			}
			DataSize maxTotalBytesInUse = settings.getMaxTotalBytesInUse();
			if (maxTotalBytesInUse != null) {
				builder.maxTotalBytesInUse(agent, maxTotalBytesInUse.toBytes());
			}
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

	/**
	 * What the user wrote in the configuration: whether a property is set, its value as
	 * written (not as bound: {@code -1}, not {@code -1B}) and where.
	 */
	private static final class Written {

		static final Written NONE = new Written(null);

		private final @Nullable Iterable<ConfigurationPropertySource> sources;

		Written(@Nullable Environment environment) {
			this.sources = (environment != null) ? ConfigurationPropertySources.get(environment) : null;
		}

		@Nullable ConfigurationProperty find(String property) {
			ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
			if (name == null || this.sources == null) {
				return null;
			}
			for (ConfigurationPropertySource source : this.sources) {
				ConfigurationProperty found = source.getConfigurationProperty(name);
				if (found != null) {
					return found;
				}
			}
			return null;
		}

		boolean isSet(String property) {
			return find(property) != null;
		}

		/**
		 * Return a value as written, or, for a default, in the largest unit that divides
		 * it.
		 */
		String text(String property, @Nullable Object value) {
			ConfigurationProperty found = find(property);
			if (found != null) {
				return String.valueOf(found.getValue());
			}
			return (value instanceof DataSize size) ? text(size) : String.valueOf(value);
		}

		InvalidPosmPropertyException invalid(String property, @Nullable Object value, String reason,
				List<String> accepted) {
			ConfigurationProperty found = find(property);
			Object shown = (found != null) ? found.getValue() : (value instanceof Enum<?> constant) ? id(constant)
					: (value instanceof DataSize size) ? text(size) : value;
			return PosmPropertiesChecks.invalid(property, shown, (found != null) ? found.getOrigin() : null, reason,
					accepted);
		}

		private static String text(DataSize size) {
			long bytes = size.toBytes();
			String[] units = { "GB", "MB", "KB" };
			long[] factors = { 1L << 30, 1L << 20, 1L << 10 };
			for (int i = 0; i < units.length; i++) {
				if (bytes != 0 && bytes % factors[i] == 0) {
					return (bytes / factors[i]) + units[i];
				}
			}
			return bytes + "B";
		}

	}

}
