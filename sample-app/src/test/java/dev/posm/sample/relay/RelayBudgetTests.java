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
 * The relay with a budget per connection ({@code max-bytes-in-use} of its agent), in
 * front of a real {@code redis-server}: a connection whose next read would take more
 * than the budget is closed, and the others go on. Real sockets on loopback.
 *
 * @author posm
 */
class RelayBudgetTests {

	private static final long BUDGET = 8 * 1024;

	private final PosmAllocator allocator = Allocators.recycling("relay-io").build();

	private final Agents agents = Agents.builder(this.allocator).maxBytesInUse(RelayServer.AGENT, BUDGET).build();

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
	void aConnectionOverItsBudgetIsClosedAndTheOthersGoOn() throws IOException {
		this.relay = start();
		Socket small = connect();
		Socket greedy = connect();
		assertThat(ping(small)).isEqualTo("+PONG\r\n");
		assertThat(ping(greedy)).isEqualTo("+PONG\r\n");
		// more than the small read buffer at once: the next read wants a 64 KB block
		write(greedy, "SET big " + "v".repeat(32 * 1024) + "\r\n");
		assertThat(readToEnd(greedy)).as("what the greedy client got before its connection was closed")
			.isEmpty();
		for (int i = 0; i < 10; i++) {
			assertThat(ping(small)).isEqualTo("+PONG\r\n");
		}
		AgentStats stats = this.agents.find(RelayServer.AGENT).orElseThrow().stats();
		assertThat(stats.refused()).isPositive();
		assertThat(stats.peakBytesInUse()).isLessThanOrEqualTo(BUDGET);
		small.close();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).as("open relay agents").isZero();
			AgentStats after = this.agents.find(RelayServer.AGENT).orElseThrow().stats();
			assertThat(after.activeOperations()).as("active operations").isZero();
			assertThat(after.bytesInUse()).as("bytes in use").isZero();
		});
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

	private RelayServer start() {
		RelayProperties properties = new RelayProperties();
		properties.setPort(0);
		properties.setUpstream("127.0.0.1:" + this.redis.port());
		properties.setIdleBuffer(DataSize.ofBytes(1024));
		properties.setIoThreads(2);
		RelayServer relay = new RelayServer(properties, this.agents);
		relay.start();
		return relay;
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.relay.getPort());
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
