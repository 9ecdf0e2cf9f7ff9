package dev.posm.sample.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import dev.posm.sample.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay in front of a real {@code redis-server} that is killed ({@code SIGKILL})
 * under it, with clients that talk and clients that have not said a word: every
 * connection must end or hold nothing towards the dead upstream, and every POSM must
 * come back. Real sockets on loopback; posm's own numbers and the system's socket table
 * tell what is held.
 *
 * @author posm
 */
class UpstreamFaultTests {

	private static final int IDLE = 1024;

	private static final int CLIENTS = 20;

	private final PosmAllocator allocator = Allocators.recycling("relay-io").build();

	private final Agents agents = Agents.builder(this.allocator).build();

	private final RedisServerProcess redis = RedisServerProcess.start();

	private final List<Socket> sockets = new ArrayList<>();

	private RelayServer relay;

	@AfterEach
	void close() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		if (this.relay != null) {
			this.relay.stop();
		}
		this.redis.close();
	}

	@Test
	void closesTalkingClientsWhenTheUpstreamIsKilled() throws IOException {
		this.relay = start();
		String value = "v".repeat(32 * 1024);
		for (int i = 0; i < CLIENTS; i++) {
			Socket socket = connect();
			assertThat(ping(socket)).isEqualTo("+PONG\r\n");
			if (i == 0) {
				write(socket, "SET big " + value + "\r\n");
				assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
					.isEqualTo("+OK\r\n");
			}
			if (i % 4 == 1) {
				// replies in flight and unread: the relay's writes to this client stall
				write(socket, "GET big\r\n".repeat(100));
			}
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).isEqualTo(CLIENTS);
			assertThat(towardsRedis()).isEqualTo(CLIENTS);
		});
		this.redis.kill();
		// every client reads what the relay had for it, then the end: none is left hanging
		for (Socket socket : this.sockets) {
			readToEnd(socket);
		}
		// with the client sockets still open: the relay closed its side of every connection
		awaitNothingHeld();
		assertThat(towardsRedis()).as("relay sockets towards the dead upstream").isZero();
	}

	@Test
	void holdsNothingTowardsAKilledUpstreamForSilentClientsAndClosesThemWhenTheySpeak() throws IOException {
		this.relay = start();
		for (int i = 0; i < CLIENTS; i++) {
			connect();
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).isEqualTo(CLIENTS);
			assertThat(stats().activeOperations()).isEqualTo(CLIENTS);
		});
		this.redis.kill();
		// a silent client has cost the upstream nothing: no socket (so none in CLOSE-WAIT), no
		// POSM but the small one its read waits with
		assertThat(towardsRedis()).as("relay sockets towards the upstream").isZero();
		AgentStats silent = stats();
		assertThat(silent.bytesInUse()).isEqualTo((long) CLIENTS * IDLE);
		assertThat(silent.activeOperations()).isEqualTo(CLIENTS);
		// once they speak, the relay finds the upstream gone and closes them
		for (Socket socket : this.sockets) {
			write(socket, "PING\r\n");
		}
		for (Socket socket : this.sockets) {
			assertThat(readToEnd(socket)).isEmpty();
		}
		awaitNothingHeld();
		assertThat(towardsRedis()).isZero();
	}

	private RelayServer start() {
		RelayProperties properties = new RelayProperties();
		properties.setPort(0);
		properties.setUpstream("127.0.0.1:" + this.redis.port());
		properties.setIdleBuffer(DataSize.ofBytes(IDLE));
		properties.setIoThreads(2);
		RelayServer relay = new RelayServer(properties, this.agents);
		relay.start();
		return relay;
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.relay.getPort());
		// a client left hanging fails the test, it does not hang it
		socket.setSoTimeout(20_000);
		this.sockets.add(socket);
		return socket;
	}

	private static String ping(Socket socket) throws IOException {
		write(socket, "PING\r\n");
		return new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
	}

	private static void write(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
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

	private int towardsRedis() {
		assertThat(TcpSockets.listed()).as("the system lists its sockets in /proc/net/tcp").isTrue();
		return TcpSockets.toRemotePort(this.redis.port(), TcpSockets.ESTABLISHED, TcpSockets.CLOSE_WAIT);
	}

	private AgentStats stats() {
		return this.agents.find(RelayServer.AGENT).orElseThrow().stats();
	}

	private void awaitNothingHeld() {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).as("open relay agents").isZero();
			AgentStats stats = stats();
			assertThat(stats.activeOperations()).as("active operations").isZero();
			assertThat(stats.bytesInUse()).as("bytes in use").isZero();
		});
		assertThat(this.relay.getConnectionCount()).isZero();
		assertThat(stats().reclaimed()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

}
