package dev.posm.autoconfigure.aop;

/**
 * Thrown when a method annotated (or in a type annotated) with
 * {@link dev.posm.annotation.AsyncAgent @AsyncAgent} cannot be an operation of an agent:
 * its result's completion cannot be observed, or it names an allocator that does not
 * exist.
 *
 * @author posm
 */
public class InvalidAsyncAgentMethodException extends IllegalStateException {

	private final String method;

	private final String problem;

	private final String action;

	/**
	 * Create a new exception.
	 * @param method the method, as {@code Type.name(ParameterTypes)}
	 * @param problem what is wrong with it
	 * @param action what to do about it
	 */
	public InvalidAsyncAgentMethodException(String method, String problem, String action) {
		super("@AsyncAgent method " + method + ": " + problem + ". " + action);
		this.method = method;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * Return the method, as {@code Type.name(ParameterTypes)}.
	 * @return the method
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * Return what is wrong with the method.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * Return what to do about it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
