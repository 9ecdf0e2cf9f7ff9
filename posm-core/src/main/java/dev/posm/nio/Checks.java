package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The argument checks of the channel calls, made before anything is taken or changed.
 *
 * @author posm
 */
final class Checks {

	private Checks() {
	}

	static ByteBuffer readable(ByteBuffer dst) {
		Objects.requireNonNull(dst, "dst must not be null");
		if (dst.isReadOnly()) {
			throw new IllegalArgumentException("dst must not be read-only: a read writes into it");
		}
		return dst;
	}

	static ByteBuffer source(ByteBuffer src) {
		return Objects.requireNonNull(src, "src must not be null");
	}

	static long timeout(long timeout, TimeUnit unit) {
		Objects.requireNonNull(unit, "unit must not be null");
		if (timeout < 0) {
			throw new IllegalArgumentException("timeout must be zero (no limit) or more, was " + timeout);
		}
		return unit.toNanos(timeout);
	}

	static int chunkSize(int size) {
		if (size < 1) {
			throw new IllegalArgumentException("A chunk size must be at least 1 byte, was " + size);
		}
		return size;
	}

	static long position(long position) {
		if (position < 0) {
			throw new IllegalArgumentException("position must be zero or more, was " + position);
		}
		return position;
	}

	static <H extends CompletionHandler<?, ?>> H handler(H handler) {
		return Objects.requireNonNull(handler, "handler must not be null");
	}

}
