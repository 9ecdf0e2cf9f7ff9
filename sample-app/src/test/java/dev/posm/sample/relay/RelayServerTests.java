package dev.posm.sample.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The relay on its own, without Spring: the built-in echo upstream, upstreams that
 * refuse or die, and a stop with connections open. Real sockets on loopback.
 *
 * @author posm
 */
class RelayServerTests {

	private static final int HANDSHAKE = 64 * 1024;

	private static final int TRANSFER = 16 * 1024;

	private static final int IDLE = 1024;

	private final PosmAllocator allocator = Allocators.recycling("relay-io").build();

	private final Agents agents = Agents.builder(this.allocator).build();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void echoesEveryByteAndPassesOnTheHalfClose() throws Exception {
		RelayServer relay = start(null);
		assertThat(relay.getPort()).isPositive();
		assertThat(relay.getUpstream().host()).isEqualTo(InetAddress.getLoopbackAddress().getHostAddress());
		byte[] data = new byte[3_000_000];
		new Random(5).nextBytes(data);
		try (Socket socket = connect(relay)) {
			// read while we write: the echo comes back as fast as it goes out
			CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(socket));
			OutputStream out = socket.getOutputStream();
			for (int offset = 0; offset < data.length; offset += 100_000) {
				out.write(data, offset, Math.min(100_000, data.length - offset));
			}
			socket.shutdownOutput();
			// the end of our stream went through the relay to the echo server and back
			assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo(data);
		}
		awaitIdle(RelayServer.AGENT);
		awaitIdle(EchoServer.AGENT);
		AgentStats stats = stats(RelayServer.AGENT);
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.failedOperations()).isZero();
		assertThat(stats.recycled()).isPositive();
		// one connection: the handshake block, and at most a transfer block of the other direction
		assertThat(stats.peakBytesInUse()).isBetween((long) HANDSHAKE, (long) HANDSHAKE + TRANSFER);
		assertThat(stats(EchoServer.AGENT).peakBytesInUse()).isEqualTo(TRANSFER);
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

	@Test
	void closesTheClientWhenTheUpstreamRefuses() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		RelayServer relay = start("127.0.0.1:" + closedPort);
		for (int i = 0; i < 5; i++) {
			try (Socket socket = connect(relay)) {
				socket.getOutputStream().write("PING\r\n".getBytes());
				assertThat(readToEnd(socket)).isEmpty();
			}
		}
		awaitIdle(RelayServer.AGENT);
		// one operation each: the read of the first request, which then had nowhere to go
		assertThat(stats(RelayServer.AGENT).operations()).isEqualTo(5);
		assertThat(stats(RelayServer.AGENT).reclaimed()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

	@Test
	void closesTheClientWhenTheUpstreamDies() throws Exception {
		try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			RelayServer relay = start("127.0.0.1:" + upstream.getLocalPort());
			// an upstream that reads a little, then resets the connection
			CompletableFuture<Void> dying = CompletableFuture.runAsync(() -> {
				try (Socket accepted = upstream.accept()) {
					accepted.getInputStream().readNBytes(100_000);
					accepted.setSoLinger(true, 0);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (Socket socket = connect(relay)) {
				OutputStream out = socket.getOutputStream();
				byte[] chunk = new byte[10_000];
				try {
					// more than the upstream reads: later writes meet the reset
					for (int i = 0; i < 100; i++) {
						out.write(chunk);
					}
				}
				catch (SocketException ex) {
					// the relay closed us: expected, sooner or later
				}
				assertThat(readToEnd(socket)).isEmpty();
			}
			dying.get(10, TimeUnit.SECONDS);
		}
		awaitIdle(RelayServer.AGENT);
		assertThat(stats(RelayServer.AGENT).failedOperations()).isPositive();
		assertThat(stats(RelayServer.AGENT).reclaimed()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

	@Test
	void stopEndsEveryConnectionAndReturnsTheMemory() throws Exception {
		RelayServer relay = start(null);
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			Socket socket = connect(relay);
			sockets.add(socket);
			if (i % 2 == 1) {
				// past the first request: both directions wait with an idle block each
				socket.getOutputStream().write("hello\n".getBytes());
				assertThat(socket.getInputStream().readNBytes(6)).isEqualTo("hello\n".getBytes());
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> relay.getConnectionCount() == 6);
		assertThat(stats(RelayServer.AGENT).bytesInUse()).isPositive();
		relay.stop();
		assertThat(relay.isRunning()).isFalse();
		// stop waits: nothing is left the moment it returns
		assertThat(this.agents.openCount(RelayServer.AGENT)).isZero();
		assertThat(this.agents.openCount(EchoServer.AGENT)).isZero();
		assertThat(stats(RelayServer.AGENT).bytesInUse()).isZero();
		assertThat(stats(RelayServer.AGENT).activeOperations()).isZero();
		assertThat(stats(EchoServer.AGENT).bytesInUse()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isZero();
		for (Socket socket : sockets) {
			assertThat(readToEnd(socket)).isEmpty();
			socket.close();
		}
	}

	@Test
	void refusesToStartOnAPortInUse() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			RelayProperties properties = properties(null);
			properties.setPort(taken.getLocalPort());
			RelayServer relay = new RelayServer(properties, this.agents);
			assertThatIllegalStateException().isThrownBy(relay::start)
				.withMessageContaining("port " + taken.getLocalPort())
				.withMessageContaining("sample.relay.port");
			assertThat(relay.isRunning()).isFalse();
		}
	}

	private RelayServer start(String upstream) {
		RelayServer relay = new RelayServer(properties(upstream), this.agents);
		relay.start();
		this.resources.add(relay::stop);
		return relay;
	}

	private static RelayProperties properties(String upstream) {
		RelayProperties properties = new RelayProperties();
		properties.setPort(0);
		properties.setUpstream(upstream);
		properties.setIdleBuffer(DataSize.ofBytes(IDLE));
		properties.setHandshakeBuffer(DataSize.ofBytes(HANDSHAKE));
		properties.setTransferBuffer(DataSize.ofBytes(TRANSFER));
		properties.setIoThreads(2);
		return properties;
	}

	private static Socket connect(RelayServer relay) throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.getPort());
		socket.setSoTimeout(20_000);
		return socket;
	}

	private AgentStats stats(String agent) {
		return this.agents.find(agent).orElseThrow().stats();
	}

	private void awaitIdle(String agent) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.agents.openCount(agent)).isZero();
			AgentStats stats = stats(agent);
			assertThat(stats.activeOperations()).isZero();
			assertThat(stats.bytesInUse()).isZero();
		});
	}

	private static byte[] readAll(Socket socket) {
		try {
			return socket.getInputStream().readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Read until the end of the stream, a reset counting as the end: what a client of a
	 * closed relay connection sees.
	 */
	private static byte[] readToEnd(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			return in.readAllBytes();
		}
		catch (SocketException ex) {
			return new byte[0];
		}
	}

}
