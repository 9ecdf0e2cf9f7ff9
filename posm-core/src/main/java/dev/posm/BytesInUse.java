package dev.posm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes held now and the highest value ever held, updated together so that the peak
 * is exact.
 *
 * @author posm
 */
final class BytesInUse {

	private final AtomicLong current = new AtomicLong();

	private final AtomicLong peak = new AtomicLong();

	void add(long bytes) {
		long now = this.current.addAndGet(bytes);
		long highest = this.peak.get();
		while (now > highest && !this.peak.compareAndSet(highest, now)) {
			highest = this.peak.get();
		}
	}

	void subtract(long bytes) {
		this.current.addAndGet(-bytes);
	}

	long current() {
		return this.current.get();
	}

	long peak() {
		return this.peak.get();
	}

}
