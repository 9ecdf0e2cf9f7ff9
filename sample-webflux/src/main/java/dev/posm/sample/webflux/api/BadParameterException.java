package dev.posm.sample.webflux.api;

/**
 * A request parameter out of its range: the answer is a 400 that names it, the value
 * and what is accepted, and nothing was done.
 *
 * @author posm
 */
public class BadParameterException extends RuntimeException {

	private final String parameter;

	/**
	 * Create an exception for a parameter and what it should have been.
	 * @param parameter the parameter's name
	 * @param value the value as the client sent it
	 * @param accepted the values accepted, such as {@code "from 0 to 10"}
	 */
	public BadParameterException(String parameter, Object value, String accepted) {
		super("Parameter '" + parameter + "' must be " + accepted + ", got '" + value + "'");
		this.parameter = parameter;
	}

	/**
	 * Return the name of the parameter.
	 * @return the name
	 */
	public String getParameter() {
		return this.parameter;
	}

}
