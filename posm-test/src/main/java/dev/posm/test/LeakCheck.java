package dev.posm.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.opentest4j.AssertionFailedError;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.PosmAllocator;

/**
 * Checks that a stretch of a test leaked no memory of posm: started before it, it
 * records what every agent name and allocator has leaked and holds; asked after it, it
 * waits (running the garbage collector, which finds POSMs dropped without release) until
 * none holds more than it did at the start, and fails if one still does or if a POSM was
 * found dropped in between.
 * <pre class="code">
 * LeakCheck leaks = LeakCheck.start(agents);
 * webClient.post().uri("/upload").bodyValue(body).retrieve().toBodilessEntity().block();
 * leaks.assertNoLeaks();
 * </pre>
 * Memory comes back asynchronously (a connection closes after its response, a buffer is
 * released on another thread), hence the wait: {@value #DEFAULT_TIMEOUT_SECONDS} seconds
 * unless {@linkplain #within(Duration) set}. An agent still open (a connection kept
 * alive in a pool) is no leak; memory it still holds is.
 *
 * @author posm
 */
public final class LeakCheck {

	/** Seconds {@link #assertNoLeaks()} waits for memory to be given back, unless set. */
	public static final int DEFAULT_TIMEOUT_SECONDS = 5;

	private static final long PAUSE_MILLIS = 20;

	private final Agents agents;

	private final Map<String, Figures> start;

	private final Duration timeout;

	private LeakCheck(Agents agents, Map<String, Figures> start, Duration timeout) {
		this.agents = agents;
		this.start = start;
		this.timeout = timeout;
	}

	/**
	 * Start checking: what every agent name and allocator has leaked and holds now is
	 * what {@link #assertNoLeaks()} compares with.
	 * @param agents the agents of the code under test
	 * @return the check
	 */
	public static LeakCheck start(Agents agents) {
		Objects.requireNonNull(agents, "agents must not be null");
		return new LeakCheck(agents, figures(agents), Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
	}

	/**
	 * Check everything since the agents were made: no leak ever, no memory held.
	 * @param agents the agents of the code under test
	 * @return the check
	 */
	public static LeakCheck sinceCreation(Agents agents) {
		Objects.requireNonNull(agents, "agents must not be null");
		return new LeakCheck(agents, Map.of(), Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
	}

	/**
	 * Return a check that waits the given time for memory to be given back.
	 * @param timeout the most to wait, not negative
	 * @return a new check with the same start
	 */
	public LeakCheck within(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		return new LeakCheck(this.agents, this.start, timeout);
	}

	/**
	 * Fail unless, within the timeout, no agent name and no allocator holds more memory
	 * than at the start, and none has leaked since.
	 * @throws AssertionFailedError naming every agent name and allocator that leaked or
	 * still holds memory
	 */
	public void assertNoLeaks() {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Map<String, Figures> now = figures(this.agents);
		while (isHolding(now) && System.nanoTime() - deadline < 0) {
			// dropped POSMs are found once the collector sees them unreachable
			System.gc();
			pause();
			now = figures(this.agents);
		}
		List<String> problems = new ArrayList<>();
		now.forEach((what, figures) -> {
			Figures before = this.start.getOrDefault(what, Figures.NONE);
			long leaked = figures.leaks() - before.leaks();
			long held = figures.bytesInUse() - before.bytesInUse();
			if (leaked > 0) {
				problems.add(what + ": " + leaked + ((leaked == 1) ? " POSM" : " POSMs")
						+ " dropped without release (logger dev.posm.leak says where each was taken)");
			}
			if (held > 0) {
				problems.add(what + ": " + held + " bytes still held " + this.timeout.toMillis() + " ms after"
						+ ((figures.openAgents() > 0) ? " (" + figures.openAgents() + " agents of the name still open)"
								: ""));
			}
		});
		if (!problems.isEmpty()) {
			throw new AssertionFailedError("posm memory leaked:\n    " + String.join("\n    ", problems));
		}
	}

	private boolean isHolding(Map<String, Figures> now) {
		for (Map.Entry<String, Figures> entry : now.entrySet()) {
			if (entry.getValue().bytesInUse() > this.start.getOrDefault(entry.getKey(), Figures.NONE).bytesInUse()) {
				return true;
			}
		}
		return false;
	}

	private static void pause() {
		try {
			Thread.sleep(PAUSE_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionFailedError("Interrupted while waiting for posm memory to be given back", ex);
		}
	}

	private static Map<String, Figures> figures(Agents agents) {
		Map<String, Figures> figures = new LinkedHashMap<>();
		Map<String, PosmAllocator> allocators = new LinkedHashMap<>();
		allocators.put(agents.defaultAllocator().name(), agents.defaultAllocator());
		for (Agent agent : agents.all()) {
			figures.put("agent '" + agent.name() + "'", new Figures(agents.leaks(agent.name()),
					agent.stats().bytesInUse(), agents.openCount(agent.name())));
			allocators.putIfAbsent(agent.allocator().name(), agent.allocator());
		}
		allocators.forEach((name, allocator) -> figures.put("allocator '" + name + "'",
				new Figures(allocator.leaks(), allocator.stats().bytesInUse(), 0)));
		return figures;
	}

	/**
	 * What an agent name or an allocator has leaked and holds.
	 */
	private record Figures(long leaks, long bytesInUse, int openAgents) {

		static final Figures NONE = new Figures(0, 0, 0);

	}

}
