package dev.posm.sample.webflux.api;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * The bytes {@code GET /api/bytes} sends: byte {@code i} of a response is
 * {@code i % 251}, so that a client can check every byte it got, and a prime period that
 * no buffer boundary lines up with.
 *
 * @author posm
 */
public final class Payload {

	/** The period of the pattern. */
	static final int PERIOD = 251;

	/** Largest chunk written into one buffer. */
	static final int CHUNK = 64 * 1024;

	// one chunk's worth from every starting phase of the pattern
	private static final byte[] PATTERN = new byte[CHUNK + PERIOD];

	static {
		for (int i = 0; i < PATTERN.length; i++) {
			PATTERN[i] = (byte) (i % PERIOD);
		}
	}

	private Payload() {
	}

	/**
	 * Return byte {@code offset} of a payload.
	 * @param offset the offset from the start of the response
	 * @return the byte
	 */
	public static byte at(long offset) {
		return (byte) (offset % PERIOD);
	}

	/**
	 * Write the bytes of a payload from {@code offset} on into a buffer.
	 * @param buffer the buffer to write into
	 * @param offset the offset of the first byte from the start of the response
	 * @param length how many bytes, at most {@link #CHUNK}
	 * @return the buffer
	 */
	static DataBuffer write(DataBuffer buffer, long offset, int length) {
		return buffer.write(PATTERN, (int) (offset % PERIOD), length);
	}

}
