package dev.posm.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.origin.Origin;

/**
 * Thrown when the configuration sets keys under {@code posm.*} that posm does not know,
 * such as {@code posm.agent.relay.allocator} for {@code posm.agents.relay.allocator}.
 * Start-up stops, and the failure analysis names each key, where it was written and the
 * nearest key posm knows.
 *
 * @author posm
 */
public class UnknownPosmPropertyException extends RuntimeException {

	private final List<UnknownKey> keys;

	/**
	 * Create a new exception.
	 * @param keys the keys posm does not know
	 */
	public UnknownPosmPropertyException(List<UnknownKey> keys) {
		super(keys.stream()
			.map((key) -> "'" + key.name() + "'" + ((key.origin() != null) ? " (" + key.origin() + ")" : "")
					+ ": did you mean '" + key.nearest() + "'?")
			.collect(Collectors.joining(", ", "Unknown posm properties: ", "")));
		this.keys = List.copyOf(keys);
	}

	/**
	 * Return the keys posm does not know.
	 * @return the keys, sorted by name
	 */
	public List<UnknownKey> getKeys() {
		return this.keys;
	}

	/**
	 * One key posm does not know.
	 *
	 * @param name the key
	 * @param value its value
	 * @param origin where it was written, {@code null} if unknown
	 * @param nearest the known key nearest to it
	 */
	public record UnknownKey(String name, @Nullable Object value, @Nullable Origin origin, String nearest) {

	}

}
