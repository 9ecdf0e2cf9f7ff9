package dev.posm.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.posm.nio.PosmSocketChannelTests.failure;
import static dev.posm.nio.PosmSocketChannelTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PosmFileChannel} on real temporary files.
 *
 * @author posm
 */
class PosmFileChannelTests {

	private static final long WAIT = 10;

	@TempDir
	Path directory;

	private PosmAllocator allocator;

	private Agent agent;

	private HeldMemory memory;

	@BeforeEach
	void open() {
		this.allocator = Allocators.recycling("file-test").build();
		this.agent = new Agents(this.allocator).agent("checksum");
		this.memory = new HeldMemory(this.allocator, this.agent);
	}

	@AfterEach
	void close() {
		this.allocator.close();
	}

	@Test
	void readingAMultiMegabyteFileInHeapChunksGivesItsDigest() throws Exception {
		Path file = randomFile(5 * 1024 * 1024 + 12_345, 1);
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		int reads = 0;
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ)) {
			ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
			long position = 0;
			while (true) {
				chunk.clear();
				int count = channel.read(chunk, position).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
				reads++;
				if (count < 0) {
					break;
				}
				digest.update(chunk.array(), 0, count);
				position += count;
			}
			assertThat(position).isEqualTo(channel.size());
		}
		assertThat(digest.digest()).isEqualTo(sha256(Files.readAllBytes(file)));
		this.memory.assertReleasedAtEveryCompletion(reads);
		assertThat(this.agent.stats().operations()).isEqualTo(reads);
		// the last read, at the end, takes its POSM too: only the file knows where it ends
		assertThat(this.agent.stats().allocations()).as("one POSM per read").isEqualTo(reads);
		assertThat(this.agent.stats().recycled()).as("the same block, read after read").isEqualTo(reads - 1);
	}

	@Test
	void readingIntoADirectBufferTakesNoPosm() throws Exception {
		Path file = randomFile(3 * 1024 * 1024, 2);
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ)) {
			ByteBuffer chunk = ByteBuffer.allocateDirect(100_000);
			long position = 0;
			for (int count = 0; count >= 0; position += Math.max(count, 0)) {
				chunk.clear();
				count = channel.read(chunk, position).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
				digest.update(chunk.flip());
			}
		}
		assertThat(digest.digest()).isEqualTo(sha256(Files.readAllBytes(file)));
		assertThat(this.agent.stats().allocations()).isZero();
		this.memory.assertReleasedAtEveryCompletion(31);
	}

	@Test
	void aReadTakesAtMostOneChunk() throws Exception {
		Path file = randomFile(300_000, 3);
		try (PosmFileChannel channel = new PosmFileChannel(
				AsynchronousFileChannel.open(file, StandardOpenOption.READ), this.agent, 65_536)) {
			ByteBuffer dst = ByteBuffer.allocate(300_000);
			int count = channel.read(dst, 1000).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
			assertThat(count).isEqualTo(65_536);
			assertThat(dst.position()).isEqualTo(65_536);
			assertThat(Arrays.copyOf(dst.array(), count))
				.isEqualTo(Arrays.copyOfRange(Files.readAllBytes(file), 1000, 1000 + count));
		}
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void writeThenReadBack() throws Exception {
		Path file = this.directory.resolve("written.bin");
		byte[] original = randomBytes(3 * 1024 * 1024 + 7, 4);
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.CREATE_NEW,
				StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			ByteBuffer src = ByteBuffer.wrap(original.clone());
			CompletableFuture<Integer> whole = channel.writeFully(src, 0).whenComplete(checkMemory());
			// the bytes were taken when the call started: the caller's buffer is free
			assertThat(src.hasRemaining()).isFalse();
			Arrays.fill(src.array(), (byte) 0);
			assertThat(whole.get(WAIT, TimeUnit.SECONDS)).isEqualTo(original.length);
			// plain writes take a chunk at a time, at the position asked for
			ByteBuffer again = ByteBuffer.wrap(original);
			long position = original.length;
			while (again.hasRemaining()) {
				int count = channel.write(again, position).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
				assertThat(count).isLessThanOrEqualTo(channel.maxChunkSize());
				position += count;
			}
			channel.force(false);
			assertThat(channel.size()).isEqualTo(2L * original.length);
			ByteBuffer back = ByteBuffer.allocate(2 * original.length);
			while (back.hasRemaining()) {
				channel.read(back, back.position()).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
			}
			assertThat(Arrays.copyOf(back.array(), original.length)).isEqualTo(original);
			assertThat(Arrays.copyOfRange(back.array(), original.length, 2 * original.length)).isEqualTo(original);
		}
		assertThat(Files.size(file)).isEqualTo(2L * original.length);
		this.memory.assertReleasedAtEveryCompletion(6);
	}

	@Test
	void handlersGetTheAttachmentAfterTheMemoryIsBack() throws Exception {
		Path file = this.directory.resolve("handled.bin");
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.CREATE_NEW,
				StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			CompletableFuture<Integer> written = new CompletableFuture<>();
			channel.write(ByteBuffer.wrap(randomBytes(5000, 5)), 0, written, handler());
			assertThat(written.get(WAIT, TimeUnit.SECONDS)).isEqualTo(5000);
			CompletableFuture<Integer> read = new CompletableFuture<>();
			channel.read(ByteBuffer.allocate(8000), 0, read, handler());
			assertThat(read.get(WAIT, TimeUnit.SECONDS)).isEqualTo(5000);
		}
		this.memory.assertReleasedAtEveryCompletion(2);
	}

	@Test
	void readingAtTheEndGivesMinusOne() throws Exception {
		Path file = randomFile(1000, 6);
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ)) {
			assertThat(channel.read(ByteBuffer.allocate(10), 1000).whenComplete(checkMemory())
				.get(WAIT, TimeUnit.SECONDS)).isEqualTo(-1);
			assertThat(channel.read(ByteBuffer.allocate(10), 5000).whenComplete(checkMemory())
				.get(WAIT, TimeUnit.SECONDS)).isEqualTo(-1);
		}
		this.memory.assertReleasedAtEveryCompletion(2);
	}

	@Test
	void callsOnAClosedFileCompleteExceptionally() throws Exception {
		Path file = randomFile(1000, 7);
		PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		channel.close();
		assertThat(failure(channel.read(ByteBuffer.allocate(10), 0).whenComplete(checkMemory())))
			.isInstanceOf(ClosedChannelException.class);
		assertThat(failure(channel.write(ByteBuffer.allocate(10), 0).whenComplete(checkMemory())))
			.isInstanceOf(ClosedChannelException.class);
		this.memory.assertReleasedAtEveryCompletion(2);
		assertThat(this.agent.stats().failedOperations()).isEqualTo(2);
	}

	@Test
	void writingAFileOpenForReadingIsRefusedAndChangesNothing() throws Exception {
		Path file = randomFile(1000, 8);
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ)) {
			ByteBuffer src = ByteBuffer.allocate(100);
			assertThatExceptionOfType(NonWritableChannelException.class).isThrownBy(() -> channel.write(src, 0));
			assertThat(src.position()).isZero();
		}
		this.memory.assertBalanced();
		assertThat(this.agent.stats().allocations()).as("taken and given back").isEqualTo(1);
	}

	@Test
	void badArgumentsAreRefusedBeforeAnythingIsTaken() throws Exception {
		Path file = randomFile(1000, 9);
		try (PosmFileChannel channel = PosmFileChannel.open(file, this.agent, StandardOpenOption.READ)) {
			assertThatIllegalArgumentException().isThrownBy(() -> channel.read(ByteBuffer.allocate(10), -1))
				.withMessageContaining("position");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> channel.read(ByteBuffer.allocate(10).asReadOnlyBuffer(), 0))
				.withMessageContaining("read-only");
		}
		assertThat(this.agent.stats().operations()).isZero();
	}

	private Path randomFile(int length, long seed) throws IOException {
		return Files.write(this.directory.resolve("random-" + seed + ".bin"), randomBytes(length, seed));
	}

	private <T> BiConsumer<T, Throwable> checkMemory() {
		return (result, ex) -> this.memory.check();
	}

	private CompletionHandler<Integer, CompletableFuture<Integer>> handler() {
		return new CompletionHandler<>() {

			@Override
			public void completed(Integer count, CompletableFuture<Integer> future) {
				PosmFileChannelTests.this.memory.check();
				future.complete(count);
			}

			@Override
			public void failed(Throwable ex, CompletableFuture<Integer> future) {
				PosmFileChannelTests.this.memory.check();
				future.completeExceptionally(ex);
			}

		};
	}

	private static byte[] sha256(byte[] bytes) throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

}
