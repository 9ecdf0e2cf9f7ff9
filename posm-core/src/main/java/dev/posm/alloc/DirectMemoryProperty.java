package dev.posm.alloc;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The system property {@value #NAME}: {@code true} (the default) to free the direct
 * memory of a block posm drops at once, where the JDK lets posm do so safely, or
 * {@code false} to leave it to the garbage collector, as the JDK does with
 * {@code ByteBuffer.allocateDirect}. It is read once.
 *
 * @author posm
 */
final class DirectMemoryProperty {

	/** The name of the system property. */
	static final String NAME = "dev.posm.direct-memory.free-at-once";

	private static final boolean FREE_AT_ONCE;

	private static final @Nullable String ERROR;

	static {
		String value = System.getProperty(NAME);
		String setting = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "true";
		// a value that is neither is refused by check(); until then it keeps the JDK's way
		FREE_AT_ONCE = setting.equals("true");
		ERROR = (setting.equals("true") || setting.equals("false")) ? null
				: "System property " + NAME + " must be true or false, was '" + value + "'";
	}

	private DirectMemoryProperty() {
	}

	/**
	 * Return whether dropped direct memory is to be freed at once where possible.
	 * @return the setting, {@code false} for a value that {@link #check()} refuses
	 */
	static boolean freeAtOnce() {
		return FREE_AT_ONCE;
	}

	/**
	 * Refuse a value of the property that is neither {@code true} nor {@code false}.
	 * @throws IllegalArgumentException naming the property and the value
	 */
	static void check() {
		if (ERROR != null) {
			throw new IllegalArgumentException(ERROR);
		}
	}

}
