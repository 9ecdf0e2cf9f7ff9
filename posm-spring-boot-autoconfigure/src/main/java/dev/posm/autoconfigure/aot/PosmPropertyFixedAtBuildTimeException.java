package dev.posm.autoconfigure.aot;

/**
 * Thrown when an AOT-processed application is started with a {@code posm.*} value that
 * Spring AOT fixed at build time, and that would otherwise be ignored. Start-up stops,
 * and the failure analysis names the property and both values.
 *
 * @author posm
 */
public class PosmPropertyFixedAtBuildTimeException extends RuntimeException {

	private final String property;

	private final String runTimeValue;

	private final String buildTimeValue;

	private final String reason;

	/**
	 * Create a new exception.
	 * @param property the full name of the property, such as
	 * {@code posm.allocators.big-io}
	 * @param runTimeValue what the property is at run time
	 * @param buildTimeValue what it was when the application was AOT-processed
	 * @param reason why the property is fixed at build time
	 */
	public PosmPropertyFixedAtBuildTimeException(String property, String runTimeValue, String buildTimeValue,
			String reason) {
		super("Property '" + property + "' was fixed at build time, when the application was AOT-processed: "
				+ runTimeValue + " at run time, " + buildTimeValue + " at build time (" + reason + ")");
		this.property = property;
		this.runTimeValue = runTimeValue;
		this.buildTimeValue = buildTimeValue;
		this.reason = reason;
	}

	/**
	 * Return the full name of the property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return what the property is at run time.
	 * @return the run-time value
	 */
	public String getRunTimeValue() {
		return this.runTimeValue;
	}

	/**
	 * Return what the property was when the application was AOT-processed.
	 * @return the build-time value
	 */
	public String getBuildTimeValue() {
		return this.buildTimeValue;
	}

	/**
	 * Return why the property is fixed at build time.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
