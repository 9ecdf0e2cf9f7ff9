package dev.posm.sample.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.sample.SampleApplicationTestBase;
import dev.posm.sample.relay.PosmView.AgentView;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay in front of a real {@code redis-server}, driven by a real Redis client
 * (Lettuce) and by raw sockets that misbehave, with the {@code posm} endpoint read over
 * HTTP on the management port.
 *
 * @author posm
 */
class RelayRedisTests extends SampleApplicationTestBase {

	private static final int HANDSHAKE = 64 * 1024;

	private static final int TRANSFER = 16 * 1024;

	private static final int IDLE = 1024;

	@Autowired
	private RelayServer relay;

	@Autowired
	private Agents agents;

	@Autowired
	private StringRedisTemplate redis;

	@LocalManagementPort
	private int managementPort;

	@Test
	void relaysPipelinedCommandsOfSeveralConnections() {
		RedisTraffic traffic = new RedisTraffic("127.0.0.1", this.relay.getPort(), "pipelined-" + UUID.randomUUID());
		traffic.run(4, 1500, 250);
		// what went through the relay is in the real Redis
		assertThat(this.redis.opsForValue().get(traffic.key(3, 1499))).isEqualTo(traffic.value(3, 1499));
		AgentView relay = awaitRelayIdle();
		assertThat(relay.allocator()).isEqualTo("relay-io");
		assertThat(relay.bytesInUse()).isZero();
		assertThat(relay.reclaimed()).isZero();
		assertThat(relay.recycled()).isPositive();
		assertThat(relay.operations()).isGreaterThan(4 * 2);
		// the handshake block and the other direction's block, not the sum of the blocks of a connection
		assertThat(relay.peakBytesInUse()).as("the most one relay agent (one connection) held at once")
			.isBetween((long) HANDSHAKE + IDLE, (long) HANDSHAKE + TRANSFER);
		assertThat(PosmView.fetch(this.managementPort).allocator("relay-io").bytesInUse()).isZero();
	}

	@Test
	void showsTheHeapItsIoThreadsAllocateAsAMeter() {
		// what the load bench reads around each run
		double before = allocatedBytes();
		RedisTraffic traffic = new RedisTraffic("127.0.0.1", this.relay.getPort(), "metered-" + UUID.randomUUID());
		traffic.run(2, 500, 100);
		awaitRelayIdle();
		assertThat(allocatedBytes()).isGreaterThan(before);
	}

	@Test
	void passesOnAHalfClose() throws IOException {
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			socket.shutdownOutput();
			// Redis answers, sees the end of our stream and closes: so does the relay
			InputStream in = socket.getInputStream();
			assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
		}
		awaitRelayIdle();
	}

	@Test
	void holdsOneBlockPerDirectionForASlowReader() throws IOException {
		String key = "big-" + UUID.randomUUID();
		this.redis.opsForValue().set(key, "x".repeat(64 * 1024));
		try (Socket socket = connect()) {
			// the first request connects the upstream
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(socket.getInputStream().readNBytes(7)).isEqualTo("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
			// 40 MB of replies that we do not read: the relay must stop reading from Redis
			socket.getOutputStream().write(("GET " + key + "\r\n").repeat(600).getBytes(StandardCharsets.US_ASCII));
			// until the socket buffers are full, then while it waits: one block per direction at most
			// (the rest of the pipeline in a handshake block, the replies in transfer blocks)
			long operations = -1;
			long stalledSince = System.nanoTime();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() - stalledSince < Duration.ofMillis(300).toNanos()) {
				assertThat(System.nanoTime()).as("the relay stalls").isLessThan(deadline);
				AgentStats stats = relayStats();
				assertThat(stats.bytesInUse()).isLessThanOrEqualTo(HANDSHAKE + TRANSFER);
				assertThat(stats.activeOperations()).isLessThanOrEqualTo(2);
				if (stats.operations() != operations) {
					operations = stats.operations();
					stalledSince = System.nanoTime();
				}
				sleep(10);
			}
			// stalled: a read waiting on the silent client (an idle block), a write waiting on the
			// client (the block of the last read from Redis: a transfer block, or an idle one if
			// the read before it did not fill its own)
			AgentStats stalled = relayStats();
			assertThat(stalled.operations()).isEqualTo(operations);
			assertThat(stalled.activeOperations()).isEqualTo(2);
			assertThat(stalled.bytesInUse()).isIn((long) IDLE + TRANSFER, (long) IDLE + IDLE);
			// and nothing was lost: what we read now is whole replies, in order
			InputStream in = socket.getInputStream();
			byte[] reply = ("$" + (64 * 1024) + "\r\n" + "x".repeat(64 * 1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
			for (int i = 0; i < 600; i++) {
				assertThat(in.readNBytes(reply.length)).as("reply %d", i).isEqualTo(reply);
			}
		}
		awaitRelayIdle();
	}

	@Test
	void clientsKilledMidPipelineLeaveNothingHeld() throws IOException {
		String key = "big-" + UUID.randomUUID();
		this.redis.opsForValue().set(key, "y".repeat(32 * 1024));
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			Socket socket = connect();
			sockets.add(socket);
			OutputStream out = socket.getOutputStream();
			switch (i % 4) {
				// killed before a byte: in the first read, no upstream yet
				case 0 -> {
				}
				// killed in the middle of a command
				case 1 -> out.write("*3\r\n$3\r\nSET\r\n$5\r\nhal".getBytes(StandardCharsets.US_ASCII));
				// killed mid-pipeline with replies in flight and unread
				case 2 -> out.write(("GET " + key + "\r\n").repeat(300).getBytes(StandardCharsets.US_ASCII));
				// killed after a long pipeline of writes, half its replies read
				default -> {
					StringBuilder pipeline = new StringBuilder();
					for (int k = 0; k < 500; k++) {
						pipeline.append("SET killed-").append(i).append('-').append(k).append(" value-").append(k)
							.append("\r\n");
					}
					out.write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
					socket.getInputStream().readNBytes(250 * "+OK\r\n".length());
				}
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.agents.openCount(RelayServer.AGENT)).isEqualTo(sockets.size()));
		for (Socket socket : sockets) {
			// a reset, not a goodbye
			socket.setSoLinger(true, 0);
			socket.close();
		}
		AgentView relay = awaitRelayIdle();
		assertThat(relay.reclaimed()).isZero();
		assertThat(PosmView.fetch(this.managementPort).allocator("relay-io").bytesInUse()).isZero();
	}

	private double allocatedBytes() {
		MetricView metric = RestTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/metrics/" + RelayMetrics.ALLOCATED)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(MetricView.class)
			.returnResult()
			.getResponseBody();
		assertThat(metric).isNotNull();
		assertThat(metric.baseUnit()).isEqualTo("bytes");
		assertThat(metric.measurements()).hasSize(1);
		return metric.measurements().get(0).value();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.relay.getPort());
		socket.setSoTimeout(20_000);
		return socket;
	}

	private AgentStats relayStats() {
		return this.agents.find(RelayServer.AGENT).orElseThrow().stats();
	}

	private AgentView awaitRelayIdle() {
		AgentView relay = PosmView.awaitIdle(this.managementPort, RelayServer.AGENT);
		assertThat(this.relay.getConnectionCount()).isZero();
		return relay;
	}

	/**
	 * What {@code GET /actuator/metrics/{name}} answers, the parts checked here.
	 */
	record MetricView(String name, String baseUnit, List<Measurement> measurements) {

		record Measurement(String statistic, double value) {

		}

	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
