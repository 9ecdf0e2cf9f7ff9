package dev.posm.sample.webflux.api;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The SHA-256 digest and the length of a stream of buffers, each released as soon as it
 * is read: a body of any length holds only the buffers in flight.
 *
 * @author posm
 */
public final class BodyDigest {

	private final MessageDigest digest;

	private long bytes;

	private BodyDigest() {
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * Digest a stream of buffers, releasing each one, also those discarded when the
	 * stream is cancelled or fails.
	 * @param body the buffers
	 * @return the length and the digest
	 */
	public static Mono<Digest> of(Flux<DataBuffer> body) {
		// an empty body reduces to the seed: 0 bytes and the digest of nothing
		return body.reduceWith(BodyDigest::new, BodyDigest::add)
			.map(BodyDigest::result)
			.doOnDiscard(DataBuffer.class, DataBufferUtils::release);
	}

	private BodyDigest add(DataBuffer buffer) {
		try (DataBuffer.ByteBufferIterator readable = buffer.readableByteBuffers()) {
			while (readable.hasNext()) {
				ByteBuffer bytes = readable.next();
				this.bytes += bytes.remaining();
				this.digest.update(bytes);
			}
		}
		finally {
			DataBufferUtils.release(buffer);
		}
		return this;
	}

	private Digest result() {
		return new Digest(this.bytes, HexFormat.of().formatHex(this.digest.digest()));
	}

	/**
	 * What was read.
	 *
	 * @param bytes how many bytes
	 * @param sha256 their SHA-256 digest in lowercase hex
	 */
	public record Digest(long bytes, String sha256) {

	}

}
