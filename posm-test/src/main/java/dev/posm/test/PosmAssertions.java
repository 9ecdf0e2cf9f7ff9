package dev.posm.test;

import java.time.Duration;

import dev.posm.Agents;

/**
 * Assertions on posm's memory, for the end of a test or of a test class.
 *
 * @author posm
 */
public final class PosmAssertions {

	private PosmAssertions() {
	}

	/**
	 * Fail if a POSM of the given agents was ever dropped without release, or if memory
	 * is still held {@value LeakCheck#DEFAULT_TIMEOUT_SECONDS} seconds from now. For a
	 * check of one stretch of a test, see {@link LeakCheck#start(Agents)}.
	 * @param agents the agents of the code under test
	 */
	public static void assertNoLeaks(Agents agents) {
		LeakCheck.sinceCreation(agents).assertNoLeaks();
	}

	/**
	 * Fail if a POSM of the given agents was ever dropped without release, or if memory
	 * is still held after the given time.
	 * @param agents the agents of the code under test
	 * @param timeout the most to wait for memory to be given back
	 */
	public static void assertNoLeaks(Agents agents, Duration timeout) {
		LeakCheck.sinceCreation(agents).within(timeout).assertNoLeaks();
	}

}
