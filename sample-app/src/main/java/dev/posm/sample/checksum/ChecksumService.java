package dev.posm.sample.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

import dev.posm.Posm;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.nio.PosmFileChannel;
import org.jspecify.annotations.Nullable;

/**
 * SHA-256 digests of request bodies and files. Each call is one operation of the agent
 * {@code checksum} (the {@code @AsyncAgent} advisor makes it so): the chunk POSM it
 * takes with {@link Posms#allocate(int)} comes from that agent's allocator, and the
 * returned future completes only once the operation has given its memory back.
 *
 * @author posm
 */
@AsyncAgent("checksum")
public class ChecksumService {

	private static final HexFormat HEX = HexFormat.of();

	private final int chunkSize;

	/**
	 * Create a service that reads in chunks of the given size.
	 * @param chunkSize the size of the chunk POSM, at least 1
	 */
	public ChecksumService(int chunkSize) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("chunkSize must be at least 1, was " + chunkSize);
		}
		this.chunkSize = chunkSize;
	}

	/**
	 * Digest everything the channel gives until its end, reading on the caller's thread.
	 * @param body the bytes to digest
	 * @return the digest in lowercase hex
	 * @throws IOException if reading fails
	 */
	public CompletableFuture<String> sha256(ReadableByteChannel body) throws IOException {
		MessageDigest digest = newDigest();
		try (Posm chunk = Posms.allocate(this.chunkSize)) {
			ByteBuffer buffer = chunk.buffer();
			while (body.read(buffer) >= 0) {
				buffer.flip();
				digest.update(buffer);
				buffer.clear();
			}
		}
		return CompletableFuture.completedFuture(HEX.formatHex(digest.digest()));
	}

	/**
	 * Digest a file with asynchronous reads, one chunk after another.
	 * @param file the file, already checked against the root
	 * @return the digest in lowercase hex, once the file has been read
	 * @throws IOException if the file cannot be opened
	 */
	public CompletableFuture<String> sha256(Path file) throws IOException {
		// the file is the one that was checked: a link swapped in since is refused
		PosmFileChannel channel = PosmFileChannel.open(file, null, StandardOpenOption.READ,
				LinkOption.NOFOLLOW_LINKS);
		Posm chunk;
		try {
			chunk = Posms.allocate(this.chunkSize);
		}
		catch (RuntimeException ex) {
			channel.close();
			throw ex;
		}
		return new FileDigest(channel, chunk, newDigest()).start();
	}

	private static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * The reads of one file: each starts from the completion of the one before, on
	 * whichever thread that was. The calls keep the operation of the service call as
	 * their context, so any POSM a read takes is that operation's too.
	 */
	private static final class FileDigest {

		private final PosmFileChannel channel;

		private final Posm chunk;

		private final MessageDigest digest;

		private final CompletableFuture<String> result = new CompletableFuture<>();

		private long position;

		FileDigest(PosmFileChannel channel, Posm chunk, MessageDigest digest) {
			this.channel = channel;
			this.chunk = chunk;
			this.digest = digest;
		}

		CompletableFuture<String> start() {
			readNext();
			return this.result;
		}

		private void readNext() {
			ByteBuffer buffer = this.chunk.buffer();
			buffer.clear();
			CompletableFuture<Integer> read;
			try {
				read = this.channel.read(buffer, this.position);
			}
			catch (RuntimeException ex) {
				end(null, ex);
				return;
			}
			read.whenComplete((count, failure) -> {
				if (failure != null) {
					end(null, failure);
				}
				else if (count < 0) {
					end(HEX.formatHex(this.digest.digest()), null);
				}
				else {
					buffer.flip();
					this.digest.update(buffer);
					this.position += count;
					readNext();
				}
			});
		}

		private void end(@Nullable String hex, @Nullable Throwable failure) {
			// give the memory back before anyone hears of the outcome
			this.chunk.close();
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				if (failure == null) {
					failure = ex;
				}
			}
			if (failure != null || hex == null) {
				this.result.completeExceptionally(
						(failure != null) ? failure : new IllegalStateException("No digest and no failure"));
			}
			else {
				this.result.complete(hex);
			}
		}

	}

}
