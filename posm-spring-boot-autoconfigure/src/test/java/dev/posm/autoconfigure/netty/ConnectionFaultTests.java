package dev.posm.autoconfigure.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.client.WebClient;

import dev.posm.test.PosmLeakExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Connections that end in the middle: a client killed mid-upload and mid-download (its
 * raw socket reset), and a server that closes mid-response under a {@code WebClient}.
 * Afterwards nothing is held on either side, no agent is open and nothing leaked.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ReactiveApplication.REACTIVE, "management.endpoints.web.exposure.include=posm" })
@ExtendWith(PosmLeakExtension.class)
class ConnectionFaultTests extends AbstractReactiveApplicationTests {

	@Test
	void clientKilledMidUpload() throws IOException {
		long before = this.agents.agent(SERVER).stats().allocations();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
					+ "Content-Length: " + (100 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = new byte[64 * 1024];
			// more than the sockets buffer: the server has read much of it when this returns
			for (int i = 0; i < 64; i++) {
				out.write(chunk);
			}
			out.flush();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.agents.agent(SERVER).stats().allocations() - before > 16);
			reset(socket);
		}
		awaitServerClosed();
	}

	@Test
	void clientKilledMidDownload(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("big.bin");
		Files.write(file, new byte[32 << 20]);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
			socket.getOutputStream()
				.write(("GET /download?path=" + file + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[64 * 1024];
			long read = 0;
			while (read < (1 << 20)) {
				int count = in.read(buffer);
				assertThat(count).as("bytes of the response").isPositive();
				read += count;
			}
			// the server is mid-response: it has the file's next buffers in hand or queued
			await().atMost(Duration.ofSeconds(5)).until(() -> this.agents.agent(SERVER).stats().bytesInUse() > 0);
			reset(socket);
		}
		awaitServerClosed();
	}

	@Test
	void serverClosingMidResponse() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Void> responses = CompletableFuture
				.runAsync(() -> answerHalfAndClose(server, 2));
			WebClient client = client(server.getLocalPort());
			AtomicLong streamed = new AtomicLong();
			assertThatException().isThrownBy(() -> client.get()
				.uri("/streamed")
				.retrieve()
				.bodyToFlux(DataBuffer.class)
				.doOnNext((buffer) -> {
					streamed.addAndGet(buffer.readableByteCount());
					DataBufferUtils.release(buffer);
				})
				.blockLast(Duration.ofSeconds(10)))
				.withMessageContaining("prematurely closed");
			assertThat(streamed.get()).isPositive().isLessThan(1 << 20);
			// aggregated by the client (every buffer joined, then released when it fails)
			assertThatException().isThrownBy(
					() -> client.get().uri("/aggregated").retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(10)))
				.withMessageContaining("prematurely closed");
			responses.get();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.agents.openCount(CLIENT) == 0);
		assertThat(this.agents.agent(CLIENT).stats().bytesInUse()).isZero();
	}

	/**
	 * Answer the given number of requests with the head and a quarter of a 1 MiB body,
	 * then close the connection.
	 */
	private static void answerHalfAndClose(ServerSocket server, int requests) {
		try {
			server.setSoTimeout(10_000);
			for (int i = 0; i < requests; i++) {
				try (Socket socket = server.accept()) {
					InputStream in = socket.getInputStream();
					// the request's head ends with an empty line
					int matched = 0;
					while (matched < 4) {
						int b = in.read();
						if (b < 0) {
							return;
						}
						matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r') ? 1 : 0;
					}
					OutputStream out = socket.getOutputStream();
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
							+ (1 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
					out.write(new byte[256 * 1024]);
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Close a socket with a reset, as a client killed mid-transfer does.
	 */
	private static void reset(Socket socket) throws IOException {
		socket.setSoLinger(true, 0);
		socket.close();
	}

	private void awaitServerClosed() {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.agents.openCount(SERVER) == 0);
		assertThat(this.agents.agent(SERVER).stats().bytesInUse()).isZero();
	}

}
