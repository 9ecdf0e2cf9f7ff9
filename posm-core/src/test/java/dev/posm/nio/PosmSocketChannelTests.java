package dev.posm.nio;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PosmSocketChannel} over real loopback connections.
 *
 * @author posm
 */
class PosmSocketChannelTests {

	private static final long WAIT = 10;

	private PosmAllocator allocator;

	private Agents agents;

	private Agent agent;

	private HeldMemory memory;

	private Loopback loopback;

	private PosmSocketChannel channel;

	@BeforeEach
	void open() throws Exception {
		this.allocator = Allocators.pooled("nio-test").build();
		this.agents = new Agents(this.allocator);
		this.agent = this.agents.open("relay");
		this.memory = new HeldMemory(this.allocator, this.agent);
		this.loopback = Loopback.open();
		this.channel = new PosmSocketChannel(this.loopback.client, this.agent);
	}

	@AfterEach
	void close() throws IOException {
		this.loopback.close();
		this.agent.close();
	}

	@Test
	void writeCopiesTheCallersBytesSoTheBufferIsFreeAtOnce() throws Exception {
		// more than the socket buffers hold, so the write is still going when the caller
		// scribbles over its buffer: only a copy taken at the start sends the original
		byte[] original = randomBytes(8 * 1024 * 1024, 1);
		ByteBuffer src = ByteBuffer.wrap(original.clone());
		CompletableFuture<Integer> written = this.channel.writeFully(src).whenComplete(checkMemory());
		assertThat(src.position()).isEqualTo(original.length);
		Arrays.fill(src.array(), (byte) 0);
		assertThat(this.loopback.peerReads(original.length)).isEqualTo(original);
		assertThat(written.get(WAIT, TimeUnit.SECONDS)).isEqualTo(original.length);
		this.memory.assertReleasedAtEveryCompletion(1);
		assertThat(this.agent.stats().operations()).isEqualTo(1);
		assertThat(this.agent.stats().allocations()).isEqualTo(1);
	}

	@Test
	void writeFromADirectBufferCopiesToo() throws Exception {
		byte[] original = randomBytes(4 * 1024 * 1024, 2);
		ByteBuffer src = ByteBuffer.allocateDirect(original.length).put(original).flip();
		CompletableFuture<Integer> written = this.channel.writeFully(src).whenComplete(checkMemory());
		src.clear();
		src.put(new byte[original.length]);
		assertThat(this.loopback.peerReads(original.length)).isEqualTo(original);
		assertThat(written.get(WAIT, TimeUnit.SECONDS)).isEqualTo(original.length);
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void writeTakesAtMostOneChunkAndReportsWhatItTook() throws Exception {
		PosmSocketChannel chunked = new PosmSocketChannel(this.loopback.client, this.agent, 64 * 1024);
		byte[] original = randomBytes(200 * 1024, 3);
		ByteBuffer src = ByteBuffer.wrap(original);
		CompletableFuture<Integer> first = chunked.write(src).whenComplete(checkMemory());
		assertThat(src.position()).isEqualTo(64 * 1024);
		assertThat(first.get(WAIT, TimeUnit.SECONDS)).isEqualTo(64 * 1024);
		int total = 64 * 1024;
		while (src.hasRemaining()) {
			total += chunked.write(src).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
		}
		assertThat(total).isEqualTo(original.length);
		assertThat(this.loopback.peerReads(original.length)).isEqualTo(original);
		this.memory.assertReleasedAtEveryCompletion(4);
		assertThat(this.agent.stats().operations()).isEqualTo(4);
	}

	@Test
	void emptyWriteAndReadCompleteWithZero() throws Exception {
		assertThat(this.channel.write(ByteBuffer.allocate(0)).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS))
			.isZero();
		assertThat(this.channel.read(ByteBuffer.allocate(0)).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS))
			.isZero();
		this.memory.assertReleasedAtEveryCompletion(2);
		assertThat(this.agent.stats().allocations()).isZero();
	}

	@Test
	void readIntoAHeapBufferGoesThroughAPosm() throws Exception {
		byte[] sent = randomBytes(1000, 4);
		this.loopback.peerWrites(sent);
		ByteBuffer dst = ByteBuffer.allocate(4096);
		dst.position(10);
		int count = this.channel.read(dst).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
		assertThat(count).isPositive();
		assertThat(dst.position()).isEqualTo(10 + count);
		assertThat(Arrays.copyOfRange(dst.array(), 10, 10 + count)).isEqualTo(Arrays.copyOf(sent, count));
		this.memory.assertReleasedAtEveryCompletion(1);
		assertThat(this.agent.stats().allocations()).isEqualTo(1);
		assertThat(this.agent.stats().peakBytesInUse()).isPositive();
	}

	@Test
	void readIntoADirectBufferTakesNoPosm() throws Exception {
		byte[] sent = randomBytes(1000, 5);
		this.loopback.peerWrites(sent);
		ByteBuffer dst = ByteBuffer.allocateDirect(4096);
		int count = this.channel.read(dst).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
		byte[] received = new byte[count];
		dst.flip().get(received);
		assertThat(received).isEqualTo(Arrays.copyOf(sent, count));
		this.memory.assertReleasedAtEveryCompletion(1);
		assertThat(this.agent.stats().operations()).isEqualTo(1);
		assertThat(this.agent.stats().allocations()).isZero();
	}

	@Test
	void largeTransfersThroughPartialWritesAndReads() throws Exception {
		// small socket buffers: the writes come back partial and are finished internally
		this.loopback.client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		this.loopback.peer.setReceiveBufferSize(16 * 1024);
		byte[] original = randomBytes(6 * 1024 * 1024, 6);
		CompletableFuture<Integer> written = this.channel.writeFully(ByteBuffer.wrap(original))
			.whenComplete(checkMemory());
		assertThat(sha256(this.loopback.peerReads(original.length))).isEqualTo(sha256(original));
		assertThat(written.get(WAIT, TimeUnit.SECONDS)).isEqualTo(original.length);
		// and back, read in chunks of at most 100 000 bytes into one large heap buffer
		PosmSocketChannel chunked = new PosmSocketChannel(this.loopback.client, this.agent, 100_000);
		Thread peer = new Thread(() -> {
			try {
				this.loopback.peerWrites(original);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}, "peer-writer");
		peer.start();
		ByteBuffer received = ByteBuffer.allocate(original.length);
		int reads = 0;
		while (received.hasRemaining()) {
			int before = received.position();
			int count = chunked.read(received).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
			assertThat(count).isPositive().isLessThanOrEqualTo(100_000);
			assertThat(received.position()).isEqualTo(before + count);
			reads++;
		}
		peer.join(10_000);
		assertThat(sha256(received.array())).isEqualTo(sha256(original));
		assertThat(reads).isGreaterThanOrEqualTo(original.length / 100_000);
		this.memory.assertReleasedAtEveryCompletion(reads + 1);
	}

	@Test
	void endOfStreamReadsMinusOne() throws Exception {
		this.loopback.peer.shutdownOutput();
		assertThat(this.channel.read(ByteBuffer.allocate(1024)).whenComplete(checkMemory())
			.get(WAIT, TimeUnit.SECONDS)).isEqualTo(-1);
		assertThat(this.channel.read(ByteBuffer.allocateDirect(1024)).whenComplete(checkMemory())
			.get(WAIT, TimeUnit.SECONDS)).isEqualTo(-1);
		this.memory.assertReleasedAtEveryCompletion(2);
		assertThat(this.agent.stats().failedOperations()).isZero();
	}

	@Test
	void callsOnAClosedChannelCompleteExceptionally() throws Exception {
		this.channel.close();
		assertThat(failure(this.channel.read(ByteBuffer.allocate(1024)).whenComplete(checkMemory())))
			.isInstanceOf(ClosedChannelException.class);
		assertThat(failure(this.channel.writeFully(ByteBuffer.allocate(1024)).whenComplete(checkMemory())))
			.isInstanceOf(ClosedChannelException.class);
		this.memory.assertReleasedAtEveryCompletion(2);
		assertThat(this.agent.stats().failedOperations()).isEqualTo(2);
	}

	@Test
	void closingTheChannelUnderAPendingReadCompletesItExceptionally() throws Exception {
		CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(1024)).whenComplete(checkMemory());
		assertThat(this.allocator.stats().bytesInUse()).as("the POSM of the pending read").isPositive();
		this.channel.close();
		assertThat(failure(read)).isInstanceOf(AsynchronousCloseException.class);
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void readTimeoutCompletesWithInterruptedByTimeout() throws Exception {
		CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(1024), 100, TimeUnit.MILLISECONDS)
			.whenComplete(checkMemory());
		assertThat(failure(read)).isInstanceOf(InterruptedByTimeoutException.class);
		this.memory.assertReleasedAtEveryCompletion(1);
		assertThat(this.agent.stats().failedOperations()).isEqualTo(1);
	}

	@Test
	void writeTimeoutBoundsTheWholeWrite() throws Exception {
		// the peer reads nothing: the partial writes stall once the buffers are full
		this.loopback.client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		this.loopback.peer.setReceiveBufferSize(16 * 1024);
		CompletableFuture<Integer> write = this.channel.writeFully(ByteBuffer.allocate(16 * 1024 * 1024), 200,
				TimeUnit.MILLISECONDS)
			.whenComplete(checkMemory());
		assertThat(failure(write)).isInstanceOf(InterruptedByTimeoutException.class);
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void peerDyingMidWriteCompletesExceptionally() throws Exception {
		this.loopback.client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		CompletableFuture<Integer> write = this.channel.writeFully(ByteBuffer.allocate(32 * 1024 * 1024))
			.whenComplete(checkMemory());
		this.loopback.peerReads(64 * 1024);
		this.loopback.resetPeer();
		assertThat(failure(write)).isInstanceOf(IOException.class);
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void peerDyingMidReadCompletesExceptionally() throws Exception {
		this.loopback.peerWrites(randomBytes(1000, 7));
		this.loopback.resetPeer();
		Throwable failure = null;
		int reads = 0;
		while (failure == null) {
			CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(256)).whenComplete(checkMemory());
			reads++;
			try {
				assertThat(read.get(WAIT, TimeUnit.SECONDS)).as("a reset is no end of stream").isNotNegative();
			}
			catch (ExecutionException ex) {
				failure = ex.getCause();
			}
		}
		assertThat(failure).isInstanceOf(IOException.class);
		this.memory.assertReleasedAtEveryCompletion(reads);
	}

	@Test
	void cancellingAPendingReadClosesTheChannelAndCompletesOnceTheMemoryIsBack() throws Exception {
		CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(1024));
		CompletableFuture<Integer> observed = read.whenComplete(checkMemory());
		assertThat(read.cancel(true)).isTrue();
		assertThat(failure(observed)).isInstanceOf(CancellationException.class);
		assertThat(read.isCancelled()).isTrue();
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(read.cancel(true)).isFalse();
		this.memory.assertReleasedAtEveryCompletion(1);
		assertThat(this.agent.stats().failedOperations()).isEqualTo(1);
	}

	@Test
	void cancellingWithoutInterruptWaitsForTheIoToEnd() throws Exception {
		CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(1024));
		CompletableFuture<Integer> observed = read.whenComplete(checkMemory());
		assertThat(read.cancel(false)).isTrue();
		// the read still fills its POSM: the future may not complete before it ends
		Thread.sleep(50);
		assertThat(read.isDone()).isFalse();
		assertThat(this.allocator.stats().bytesInUse()).isPositive();
		this.loopback.peerWrites(new byte[] { 42 });
		assertThat(failure(observed)).isInstanceOf(CancellationException.class);
		assertThat(read.isCancelled()).isTrue();
		assertThat(this.channel.isOpen()).isTrue();
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void orTimeoutStopsTheReadAndCompletesOnceTheMemoryIsBack() throws Exception {
		CompletableFuture<Integer> read = this.channel.read(ByteBuffer.allocate(1024))
			.orTimeout(100, TimeUnit.MILLISECONDS)
			.whenComplete(checkMemory());
		assertThat(failure(read)).isInstanceOf(TimeoutException.class);
		assertThat(this.channel.isOpen()).isFalse();
		this.memory.assertReleasedAtEveryCompletion(1);
	}

	@Test
	void handlersGetTheAttachmentAfterTheMemoryIsBack() throws Exception {
		byte[] sent = randomBytes(500, 8);
		this.loopback.peerWrites(sent);
		CompletableFuture<String> outcome = new CompletableFuture<>();
		ByteBuffer dst = ByteBuffer.allocate(4096);
		this.channel.read(dst, "attached", new CompletionHandler<Integer, String>() {

			@Override
			public void completed(Integer count, String attachment) {
				PosmSocketChannelTests.this.memory.check();
				outcome.complete(attachment + ":" + count);
			}

			@Override
			public void failed(Throwable ex, String attachment) {
				outcome.completeExceptionally(ex);
			}

		});
		assertThat(outcome.get(WAIT, TimeUnit.SECONDS)).startsWith("attached:");
		ByteBuffer src = ByteBuffer.wrap(randomBytes(300, 9));
		CompletableFuture<Integer> written = new CompletableFuture<>();
		this.channel.write(src, 1, TimeUnit.SECONDS, written, handler());
		assertThat(written.get(WAIT, TimeUnit.SECONDS)).isEqualTo(300);
		this.channel.close();
		CompletableFuture<Integer> failed = new CompletableFuture<>();
		this.channel.read(ByteBuffer.allocate(10), failed, handler());
		assertThat(failure(failed)).isInstanceOf(ClosedChannelException.class);
		this.memory.assertReleasedAtEveryCompletion(3);
	}

	@Test
	void aBoundOperationServesTheCallBeforeTheChannelsAgent() throws Exception {
		Agent checksum = this.agents.agent("checksum");
		this.loopback.peerWrites(randomBytes(100, 10));
		try (Operation operation = checksum.begin()) {
			CompletableFuture<Integer> read;
			Operation previous = Posms.setCurrentOperation(operation);
			try {
				read = this.channel.read(ByteBuffer.allocate(1024));
			}
			finally {
				Posms.setCurrentOperation(previous);
			}
			assertThat(read.whenComplete((count, ex) -> assertThat(checksum.stats().bytesInUse()).isZero())
				.get(WAIT, TimeUnit.SECONDS)).isPositive();
			assertThat(checksum.stats().allocations()).isEqualTo(1);
			assertThat(checksum.stats().activeOperations()).as("the caller's operation is still open").isEqualTo(1);
		}
		assertThat(checksum.stats().operations()).isEqualTo(1);
		assertThat(checksum.stats().reclaimed()).isZero();
		assertThat(this.agent.stats().operations()).as("the channel's own agent").isZero();
		this.memory.assertBalanced();
	}

	@Test
	void theContinuationOfAPendingCallRunsInTheCallersOperation() throws Exception {
		Agent checksum = this.agents.agent("checksum");
		AtomicReference<Operation> continuedIn = new AtomicReference<>();
		try (Operation operation = checksum.begin()) {
			Operation previous = Posms.setCurrentOperation(operation);
			CompletableFuture<Integer> read;
			try {
				read = this.channel.read(ByteBuffer.allocate(1024));
			}
			finally {
				Posms.setCurrentOperation(previous);
			}
			CompletableFuture<Integer> continued = read
				.whenComplete((count, ex) -> continuedIn.set(Posms.currentOperation()));
			this.loopback.peerWrites(new byte[] { 1, 2, 3 });
			continued.get(WAIT, TimeUnit.SECONDS);
			assertThat(continuedIn.get()).isSameAs(operation);
		}
		this.memory.assertBalanced();
	}

	@Test
	void withoutAgentOrOperationTheDefaultAllocatorServes() throws Exception {
		PosmAllocator previous = Posms.setDefaultAllocator(this.allocator);
		try {
			PosmSocketChannel plain = new PosmSocketChannel(this.loopback.client);
			byte[] sent = randomBytes(2000, 11);
			ByteBuffer src = ByteBuffer.wrap(sent);
			assertThat(plain.writeFully(src).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS)).isEqualTo(2000);
			assertThat(this.loopback.peerReads(2000)).isEqualTo(sent);
			this.loopback.peerWrites(sent);
			ByteBuffer dst = ByteBuffer.allocate(2000);
			while (dst.hasRemaining()) {
				plain.read(dst).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
			}
			assertThat(dst.array()).isEqualTo(sent);
		}
		finally {
			Posms.restoreDefaultAllocator(this.allocator, previous);
		}
		assertThat(this.allocator.stats().allocations()).isGreaterThanOrEqualTo(2);
		assertThat(this.agent.stats().operations()).isZero();
		this.memory.assertReleasedAtEveryCompletion(2);
	}

	@Test
	void aClosedAgentFailsTheCall() throws Exception {
		this.agent.close();
		assertThat(failure(this.channel.read(ByteBuffer.allocate(10)))).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("closed");
		this.memory.assertBalanced();
	}

	@Test
	void forwardRelaysOneChunkAsOneOperation() throws Exception {
		try (Loopback upstream = Loopback.open()) {
			PosmSocketChannel target = new PosmSocketChannel(upstream.client, this.agent);
			byte[] handshake = randomBytes(40_000, 12);
			this.loopback.peerWrites(handshake);
			int forwarded = 0;
			// the seed's serial POSMs: a large handshake block, then small transfer blocks
			forwarded += this.channel.forward(target, 64 * 1024).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS);
			while (forwarded < handshake.length) {
				forwarded += this.channel.forward(target, 16 * 1024).whenComplete(checkMemory())
					.get(WAIT, TimeUnit.SECONDS);
			}
			assertThat(upstream.peerReads(handshake.length)).isEqualTo(handshake);
			byte[] transfer = randomBytes(100_000, 13);
			this.loopback.peerWrites(transfer);
			int chunks = 0;
			for (int total = 0; total < transfer.length; chunks++) {
				int count = this.channel.forward(target, 16 * 1024).whenComplete(checkMemory())
					.get(WAIT, TimeUnit.SECONDS);
				assertThat(count).isPositive().isLessThanOrEqualTo(16 * 1024);
				total += count;
			}
			assertThat(upstream.peerReads(transfer.length)).isEqualTo(transfer);
			this.loopback.peer.shutdownOutput();
			assertThat(this.channel.forward(target, 16 * 1024).whenComplete(checkMemory()).get(WAIT, TimeUnit.SECONDS))
				.isEqualTo(-1);
			target.shutdownOutput();
			assertThat(upstream.peer.getInputStream().read()).isEqualTo(-1);
			long operations = this.agent.stats().operations();
			assertThat(operations).isEqualTo(this.agent.stats().allocations());
			this.memory.assertReleasedAtEveryCompletion((int) operations);
			assertThat(this.agent.stats().peakBytesInUse()).as("peak: the handshake block, not the sum")
				.isEqualTo(64 * 1024);
			assertThat(this.agent.stats().recycled()).as("transfer chunks reuse the agent's block")
				.isGreaterThanOrEqualTo(chunks - 1);
		}
	}

	@Test
	void handlerForwardsChainedChunkAfterChunkRelayEveryByteOneOperationEach() throws Exception {
		try (Loopback upstream = Loopback.open()) {
			PosmSocketChannel target = new PosmSocketChannel(upstream.client, this.agent);
			byte[] transfer = randomBytes(1024 * 1024, 15);
			CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
				try {
					this.loopback.peerWrites(transfer);
					this.loopback.peer.shutdownOutput();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			CompletableFuture<Integer> relayed = new CompletableFuture<>();
			// what a relay does: the next chunk from the handler of the last one
			CompletionHandler<Integer, AtomicInteger> chain = new CompletionHandler<>() {

				@Override
				public void completed(Integer count, AtomicInteger chunks) {
					PosmSocketChannelTests.this.memory.check();
					if (count < 0) {
						relayed.complete(chunks.get());
						return;
					}
					chunks.incrementAndGet();
					forward(this, chunks);
				}

				@Override
				public void failed(Throwable ex, AtomicInteger chunks) {
					PosmSocketChannelTests.this.memory.check();
					relayed.completeExceptionally(ex);
				}

				private void forward(CompletionHandler<Integer, AtomicInteger> handler, AtomicInteger chunks) {
					PosmSocketChannelTests.this.channel.forward(target, 16 * 1024, 0, TimeUnit.SECONDS, chunks, handler);
				}

			};
			this.channel.forward(target, 16 * 1024, 0, TimeUnit.SECONDS, new AtomicInteger(), chain);
			assertThat(upstream.peerReads(transfer.length)).isEqualTo(transfer);
			int chunks = relayed.get(WAIT, TimeUnit.SECONDS);
			written.get(WAIT, TimeUnit.SECONDS);
			assertThat(chunks).isGreaterThanOrEqualTo(transfer.length / (16 * 1024));
			// every chunk and the end of the stream: one operation, one POSM each
			AgentStats stats = this.agent.stats();
			assertThat(stats.operations()).isEqualTo(chunks + 1);
			assertThat(stats.allocations()).isEqualTo(chunks + 1);
			assertThat(stats.activeOperations()).isZero();
			this.memory.assertReleasedAtEveryCompletion(chunks + 1);
		}
	}

	@Test
	void aSecondHandlerForwardWhileOneIsPendingIsRefusedAndTheFirstKeepsItsHandler() throws Exception {
		try (Loopback upstream = Loopback.open()) {
			PosmSocketChannel target = new PosmSocketChannel(upstream.client, this.agent);
			CompletableFuture<Integer> first = new CompletableFuture<>();
			CompletableFuture<Integer> second = new CompletableFuture<>();
			this.channel.forward(target, 1024, 0, TimeUnit.SECONDS, first, handler());
			assertThatExceptionOfType(ReadPendingException.class)
				.isThrownBy(() -> this.channel.forward(target, 2048, 0, TimeUnit.SECONDS, second, handler()));
			this.loopback.peerWrites(randomBytes(1500, 16));
			assertThat(first.get(WAIT, TimeUnit.SECONDS)).as("the first call's size, to the first call's handler")
				.isEqualTo(1024);
			assertThat(upstream.peerReads(1024)).hasSize(1024);
			assertThat(second).isNotDone();
			// the reused call serves the next forward with its own size and handler
			this.channel.forward(target, 2048, 0, TimeUnit.SECONDS, second, handler());
			assertThat(second.get(WAIT, TimeUnit.SECONDS)).isEqualTo(1500 - 1024);
			assertThat(this.agent.stats().operations()).isEqualTo(2);
			this.memory.assertReleasedAtEveryCompletion(2);
		}
	}

	@Test
	void forwardToADeadTargetCompletesExceptionally() throws Exception {
		try (Loopback upstream = Loopback.open()) {
			PosmSocketChannel target = new PosmSocketChannel(upstream.client, this.agent);
			target.close();
			this.loopback.peerWrites(randomBytes(100, 14));
			assertThat(failure(this.channel.forward(target, 16 * 1024).whenComplete(checkMemory())))
				.isInstanceOf(ClosedChannelException.class);
			this.memory.assertReleasedAtEveryCompletion(1);
		}
	}

	@Test
	void aSecondWriteWhileOneIsPendingIsRefusedAndChangesNothing() throws Exception {
		this.loopback.client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		this.loopback.peer.setReceiveBufferSize(16 * 1024);
		CompletableFuture<Integer> first = this.channel.writeFully(ByteBuffer.allocate(16 * 1024 * 1024))
			.whenComplete(checkMemory());
		long held = this.allocator.stats().bytesInUse();
		ByteBuffer second = ByteBuffer.allocate(100);
		assertThatExceptionOfType(WritePendingException.class).isThrownBy(() -> this.channel.write(second));
		assertThat(second.position()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isEqualTo(held);
		this.channel.close();
		assertThat(failure(first)).isInstanceOf(IOException.class);
		this.memory.assertReleasedAtEveryCompletion(1);
		// the second write was refused before it began an operation
		assertThat(this.agent.stats().operations()).isEqualTo(1);
	}

	@Test
	void badArgumentsAreRefusedBeforeAnythingIsTaken() {
		ByteBuffer readOnly = ByteBuffer.allocate(10).asReadOnlyBuffer();
		assertThatIllegalArgumentException().isThrownBy(() -> this.channel.read(readOnly))
			.withMessageContaining("read-only");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.channel.read(ByteBuffer.allocate(10), -1, TimeUnit.SECONDS))
			.withMessageContaining("timeout");
		assertThatIllegalArgumentException().isThrownBy(() -> this.channel.forward(this.channel, 0))
			.withMessageContaining("chunk size");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PosmSocketChannel(this.loopback.client, this.agent, 0))
			.withMessageContaining("chunk size");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.channel.read(ByteBuffer.allocate(10), null, null))
			.withMessageContaining("handler");
		assertThat(this.agent.stats().operations()).isZero();
		assertThat(this.allocator.stats().allocations()).isZero();
	}

	private <T> BiConsumer<T, Throwable> checkMemory() {
		return (result, ex) -> this.memory.check();
	}

	private CompletionHandler<Integer, CompletableFuture<Integer>> handler() {
		return new CompletionHandler<>() {

			@Override
			public void completed(Integer count, CompletableFuture<Integer> future) {
				PosmSocketChannelTests.this.memory.check();
				future.complete(count);
			}

			@Override
			public void failed(Throwable ex, CompletableFuture<Integer> future) {
				PosmSocketChannelTests.this.memory.check();
				future.completeExceptionally(ex);
			}

		};
	}

	static Throwable failure(CompletableFuture<?> future) throws Exception {
		try {
			future.get(WAIT, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (CancellationException ex) {
			return ex;
		}
		throw new AssertionError("Completed normally: " + future);
	}

	static byte[] randomBytes(int length, long seed) {
		byte[] bytes = new byte[length];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static byte[] sha256(byte[] bytes) throws Exception {
		return MessageDigest.getInstance("SHA-256").digest(bytes);
	}

}
