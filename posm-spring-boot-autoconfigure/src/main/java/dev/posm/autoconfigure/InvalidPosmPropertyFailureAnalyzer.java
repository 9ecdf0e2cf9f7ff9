package dev.posm.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains every failure of a {@code posm.*} property the same way: posm's own checks
 * ({@link InvalidPosmPropertyException}), keys posm does not know
 * ({@link UnknownPosmPropertyException}), and values that Boot's binder could not
 * convert (a {@link BindException} under {@code posm}), which Boot's own analysis would
 * otherwise report with upper-case constants and no accepted sizes. Each analysis names
 * the property, the value as the user wrote it, where it was written (file and line)
 * and what would be accepted.
 *
 * @author posm
 */
class InvalidPosmPropertyFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final String NL = System.lineSeparator();

	private static final ConfigurationPropertyName POSM = ConfigurationPropertyName.of(PosmPropertyNames.PREFIX);

	private final @Nullable Environment environment;

	/**
	 * Create an analyzer.
	 * @param environment the environment, to find where a value was written when the
	 * failure does not say; {@code null} if there is none yet
	 */
	InvalidPosmPropertyFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	/**
	 * Before Boot's {@code BindFailureAnalyzer}, which would take a posm value first.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 100;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		UnknownPosmPropertyException unknown = findCause(failure, UnknownPosmPropertyException.class);
		if (unknown != null) {
			return analyze(unknown, failure);
		}
		InvalidPosmPropertyException invalid = findCause(failure, InvalidPosmPropertyException.class);
		if (invalid != null) {
			return analyze(invalid, failure);
		}
		BindException bindFailure = findCause(failure, BindException.class);
		if (bindFailure != null && (POSM.equals(bindFailure.getName()) || POSM.isAncestorOf(bindFailure.getName()))) {
			RuntimeException translated = PosmPropertiesChecks.translate(bindFailure, this.environment,
					classLoader());
			return (translated instanceof UnknownPosmPropertyException unknownKeys) ? analyze(unknownKeys, failure)
					: analyze((InvalidPosmPropertyException) translated, failure);
		}
		return null;
	}

	private FailureAnalysis analyze(InvalidPosmPropertyException cause, Throwable failure) {
		Origin origin = (cause.getOrigin() != null) ? cause.getOrigin() : origin(cause.getProperty());
		StringBuilder description = new StringBuilder("Invalid value '").append(cause.getValue())
			.append("' for property '")
			.append(cause.getProperty())
			.append("'");
		appendOrigin(description, origin);
		description.append(':').append(NL).append(NL).append("    Reason: ").append(cause.getReason());
		StringBuilder action = new StringBuilder("Update your application's configuration. The accepted values of '")
			.append(cause.getProperty())
			.append("' are:")
			.append(NL);
		for (String accepted : cause.getAcceptedValues()) {
			action.append(NL).append("    ").append(accepted);
		}
		return new FailureAnalysis(description.toString(), action.toString(), failure);
	}

	private FailureAnalysis analyze(UnknownPosmPropertyException cause, Throwable failure) {
		StringBuilder description = new StringBuilder((cause.getKeys().size() == 1)
				? "posm does not know this property:" : "posm does not know these properties:");
		description.append(NL);
		for (UnknownPosmPropertyException.UnknownKey key : cause.getKeys()) {
			description.append(NL).append("    '").append(key.name()).append("'");
			appendOrigin(description, key.origin());
			description.append(NL).append("        the nearest property posm knows is '").append(key.nearest()).append("'");
		}
		String action = "Correct the name of each property above, or remove it. posm's properties are listed in "
				+ "the Configuration section of its README, and IDEs complete them from its configuration metadata.";
		return new FailureAnalysis(description.toString(), action, failure);
	}

	private static void appendOrigin(StringBuilder message, @Nullable Origin origin) {
		if (origin != null) {
			message.append(" (originating from '").append(origin).append("')");
		}
	}

	private @Nullable Origin origin(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (this.environment == null || name == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return found.getOrigin();
			}
		}
		return null;
	}

	private @Nullable ClassLoader classLoader() {
		return Thread.currentThread().getContextClassLoader();
	}

	private static <E extends Throwable> @Nullable E findCause(Throwable failure, Class<E> type) {
		Throwable candidate = failure;
		while (candidate != null) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
			candidate = candidate.getCause();
		}
		return null;
	}

}
