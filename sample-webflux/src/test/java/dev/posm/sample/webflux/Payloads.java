package dev.posm.sample.webflux;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import reactor.core.publisher.Flux;

import dev.posm.sample.webflux.api.Payload;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/**
 * What the tests send and expect: bodies made on the fly, and their digests.
 *
 * @author posm
 */
final class Payloads {

	private Payloads() {
	}

	/**
	 * A body of {@code size} seeded random bytes in chunks of 64 KiB, made as the
	 * connection asks for them (the whole body is never in memory).
	 * @param size the length
	 * @param seed the seed
	 * @return the chunks
	 */
	static Flux<DataBuffer> random(long size, long seed) {
		DefaultDataBufferFactory factory = DefaultDataBufferFactory.sharedInstance;
		return Flux.defer(() -> {
			Random random = new Random(seed);
			return Flux.generate(() -> size, (left, sink) -> {
				if (left == 0) {
					sink.complete();
					return left;
				}
				byte[] chunk = chunk(random);
				int length = (int) Math.min(chunk.length, left);
				sink.next(factory.wrap(chunk).writePosition(length));
				return left - length;
			});
		});
	}

	/**
	 * The SHA-256 digest of {@link #random(long, long)}.
	 * @param size the length
	 * @param seed the seed
	 * @return the digest in hex
	 */
	static String randomSha256(long size, long seed) {
		MessageDigest digest = sha256();
		Random random = new Random(seed);
		long left = size;
		while (left > 0) {
			byte[] chunk = chunk(random);
			int length = (int) Math.min(chunk.length, left);
			digest.update(chunk, 0, length);
			left -= length;
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * The SHA-256 digest of {@code GET /api/bytes?size=N}.
	 * @param size the length
	 * @return the digest in hex
	 */
	static String payloadSha256(long size) {
		MessageDigest digest = sha256();
		for (long i = 0; i < size; i++) {
			digest.update(Payload.at(i));
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * Check every byte of a body against the payload.
	 * @param body the body
	 * @return the offset of the first wrong byte, or -1 if none is
	 */
	static long firstWrongPayloadByte(byte[] body) {
		for (int i = 0; i < body.length; i++) {
			if (body[i] != Payload.at(i)) {
				return i;
			}
		}
		return -1;
	}

	private static byte[] chunk(Random random) {
		byte[] chunk = new byte[64 * 1024];
		random.nextBytes(chunk);
		return chunk;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
