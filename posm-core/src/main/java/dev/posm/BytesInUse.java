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

	/**
	 * Add the given bytes.
	 * @return the bytes held now
	 */
	long add(long bytes) {
		long now = this.current.addAndGet(bytes);
		raisePeak(now);
		return now;
	}

	/**
	 * Raise the peak to the given value if it is higher.
	 */
	void raisePeak(long value) {
		long highest = this.peak.get();
		while (value > highest && !this.peak.compareAndSet(highest, value)) {
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
