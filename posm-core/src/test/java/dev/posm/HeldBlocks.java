package dev.posm;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The blocks held now by the threads of a concurrent test, by identity: taking a block
 * that someone else holds, or giving back one that nobody holds, is recorded as a
 * failure.
 *
 * @author posm
 */
public final class HeldBlocks {

	private final ConcurrentHashMap<Identity, String> holders = new ConcurrentHashMap<>();

	private final Queue<String> failures = new ConcurrentLinkedQueue<>();

	/**
	 * Record that the given holder took the POSM and its memory.
	 */
	public void taken(Posm posm, String holder) {
		claim(new Identity(posm), holder, posm);
		claim(new Identity(posm.buffer()), holder, posm);
	}

	/**
	 * Record that the given holder is about to give the POSM back.
	 */
	public void givenBack(Posm posm, String holder) {
		free(new Identity(posm.buffer()), holder, posm);
		free(new Identity(posm), holder, posm);
	}

	public void failure(String failure) {
		this.failures.add(failure);
	}

	public Queue<String> failures() {
		return this.failures;
	}

	public int size() {
		return this.holders.size();
	}

	private void claim(Identity identity, String holder, Posm posm) {
		String other = this.holders.putIfAbsent(identity, holder);
		if (other != null) {
			this.failures.add(holder + " took " + posm + " while " + other + " held it");
		}
	}

	private void free(Identity identity, String holder, Posm posm) {
		if (!this.holders.remove(identity, holder)) {
			this.failures.add(holder + " gave back " + posm + " that it did not hold (holder: "
					+ this.holders.get(identity) + ")");
		}
	}

	/**
	 * Object identity as a key: buffers compare by content otherwise.
	 */
	private record Identity(Object target) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Identity identity && identity.target == this.target;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.target);
		}

	}

}
