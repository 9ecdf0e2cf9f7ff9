package dev.posm.aottests;

/**
 * A service behind an interface, so that its agent's proxy is an interface-based one.
 *
 * @author posm
 */
public interface Greeter {

	/**
	 * Greet.
	 * @param name who
	 * @return the greeting and the agent that made it
	 */
	String greet(String name);

}
