package dev.posm.autoconfigure;

import java.util.List;

/**
 * Thrown when a {@code posm.*} property has a value that posm cannot use. Start-up
 * stops, and the failure analysis names the property, its value and the accepted
 * values.
 *
 * @author posm
 */
public class InvalidPosmPropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String reason;

	private final List<String> acceptedValues;

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
		super("Invalid value '" + value + "' for property '" + property + "': " + reason + " (accepted: "
				+ String.join(", ", acceptedValues) + ")");
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.acceptedValues = List.copyOf(acceptedValues);
	}

	/**
	 * Return the full name of the property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the value the property has.
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

}
