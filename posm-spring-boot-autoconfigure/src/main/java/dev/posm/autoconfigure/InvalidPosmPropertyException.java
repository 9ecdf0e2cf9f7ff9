package dev.posm.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginProvider;

/**
 * Thrown when a {@code posm.*} property has a value that posm cannot use. Start-up
 * stops, and the failure analysis names the property, its value as written, where it
 * was written, and the accepted values.
 *
 * @author posm
 */
public class InvalidPosmPropertyException extends RuntimeException implements OriginProvider {

	private final String property;

	private final Object value;

	private final String reason;

	private final List<String> acceptedValues;

	private final @Nullable Origin origin;

	/**
	 * Create a new exception.
	 * @param property the full name of the property, such as
	 * {@code posm.allocators.big-io.type}
	 * @param value the value it has
	 * @param reason why the value cannot be used
	 * @param acceptedValues the values, or a description of the values, that would be
	 * accepted
	 */
	public InvalidPosmPropertyException(String property, Object value, String reason, List<String> acceptedValues) {
		this(property, value, reason, acceptedValues, null);
	}

	/**
	 * Create a new exception.
	 * @param property the full name of the property, such as
	 * {@code posm.allocators.big-io.type}
	 * @param value the value it has, as the user wrote it
	 * @param reason why the value cannot be used
	 * @param acceptedValues the values, or a description of the values, that would be
	 * accepted
	 * @param origin where the value was written, {@code null} if unknown
	 */
	public InvalidPosmPropertyException(String property, Object value, String reason, List<String> acceptedValues,
			@Nullable Origin origin) {
		super("Invalid value '" + value + "' for property '" + property + "'"
				+ ((origin != null) ? " (originating from '" + origin + "')" : "") + ": " + reason + " (accepted: "
				+ String.join(", ", acceptedValues) + ")");
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.acceptedValues = List.copyOf(acceptedValues);
		this.origin = origin;
	}

	/**
	 * Return the full name of the property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the value the property has, as the user wrote it.
	 * @return the value
	 */
	public Object getValue() {
		return this.value;
	}

	/**
	 * Return why the value cannot be used.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Return the values, or descriptions of the values, that would be accepted.
	 * @return the accepted values
	 */
	public List<String> getAcceptedValues() {
		return this.acceptedValues;
	}

	/**
	 * Return where the value was written, such as a line of {@code application.yml}.
	 * @return the origin, or {@code null} if unknown
	 */
	@Override
	public @Nullable Origin getOrigin() {
		return this.origin;
	}

}
