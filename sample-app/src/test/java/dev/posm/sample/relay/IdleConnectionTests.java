package dev.posm.sample.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * Idle connections in front of a real {@code redis-server}: what 10,000 of them hold,
 * that the idle timeout closes silent ones whatever their state and spares those that
 * talk, and that a burst of connects fits the relay's accept queue. Real sockets on
 * loopback, counted with posm's own numbers and the JVM's direct memory.
 *
 * @author posm
 */
class IdleConnectionTests {

	private static final int IDLE = 1024;

	private static final int TRANSFER = 16 * 1024;

	private static final int IDLE_CONNECTIONS = 10_000;

	// one in four says PING once before it falls silent: it then has an upstream too
	private static final int TALK_EVERY = 4;

	private final PosmAllocator allocator = Allocators.recycling("relay-io").build();

	private final Agents agents = Agents.builder(this.allocator).build();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void tenThousandIdleConnectionsHoldAKilobyteOrTwoEach() throws Exception {
		int talkers = (IDLE_CONNECTIONS + TALK_EVERY - 1) / TALK_EVERY;
		// the relay's side: a socket per connection, one more per talker, and the JVM's own
		assertOpenFilesAllowed(IDLE_CONNECTIONS + talkers + 1000);
		RelayServer relay = start(Duration.ZERO);
		long directBefore = directMemoryUsed();
		// the clients in a JVM of their own: this one could not hold their descriptors too
		ClientProcess clients = ClientProcess.start(relay.getPort(), IDLE_CONNECTIONS, TALK_EVERY);
		this.resources.add(clients);
		String[] connected = clients.awaitLine("connected ", Duration.ofSeconds(90)).split(" ");
		assertThat(connected[1]).isEqualTo(Integer.toString(IDLE_CONNECTIONS));
		assertThat(clients.awaitLine("talked ", Duration.ofSeconds(60))).isEqualTo("talked " + talkers);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).isEqualTo(IDLE_CONNECTIONS);
			// a read waits on every client, and on the upstream of every talker
			assertThat(stats().activeOperations()).isEqualTo(IDLE_CONNECTIONS + talkers);
		});
		AgentStats idle = stats();
		// each waiting read holds one idle POSM, nothing else is held
		assertThat(idle.bytesInUse()).isEqualTo((long) (IDLE_CONNECTIONS + talkers) * IDLE);
		assertThat(this.allocator.stats().bytesInUse()).isEqualTo(idle.bytesInUse());
		long perConnection = idle.bytesInUse() / IDLE_CONNECTIONS;
		// all the direct memory the JVM gained, agents' caches and pools included
		long directPerConnection = (directMemoryUsed() - directBefore) / IDLE_CONNECTIONS;
		System.out.println("[idle] " + IDLE_CONNECTIONS + " idle connections (" + talkers + " talked once), "
				+ connected[2] + " ms to connect them: POSMs in use " + idle.bytesInUse() + " B, " + perConnection
				+ " B per connection; JVM direct memory " + directPerConnection + " B per connection");
		assertThat(perConnection).isLessThanOrEqualTo(4096);
		assertThat(directPerConnection).isLessThanOrEqualTo(4096);
		// the clients go away: every connection ends and returns everything
		clients.close();
		awaitNothingHeld(relay);
	}

	@Test
	void closesConnectionsSilentForTheIdleTimeoutWhateverTheirState() throws Exception {
		Duration timeout = Duration.ofMillis(600);
		RelayServer relay = start(timeout);
		String key = "idle-big-" + System.nanoTime();
		List<Socket> silent = new ArrayList<>();
		// a lower bound of when the relay last saw each connection move: taken on the client
		// just before its last connect or send, since the relay cannot see a byte before it is sent
		List<Long> lastMoved = new ArrayList<>();
		// never said a word
		for (int i = 0; i < 2; i++) {
			lastMoved.add(System.nanoTime());
			silent.add(connect(relay));
		}
		// talked, then fell silent
		Socket talked = connect(relay);
		assertThat(ping(talked)).isEqualTo("+PONG\r\n");
		lastMoved.add(System.nanoTime());
		write(talked, "SET " + key + " " + "x".repeat(64 * 1024) + "\r\n");
		assertThat(new String(talked.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
		silent.add(talked);
		// stalled: asked for replies it never reads, the relay's write to it waits for good
		Socket stalled = connect(relay);
		lastMoved.add(System.nanoTime());
		write(stalled, ("GET " + key + "\r\n").repeat(200));
		silent.add(stalled);
		// one that keeps talking is never idle
		Socket busy = connect(relay);
		CompletableFuture<Integer> pings = CompletableFuture.supplyAsync(() -> {
			int count = 0;
			long end = System.nanoTime() + 4 * timeout.toNanos();
			while (System.nanoTime() < end) {
				try {
					assertThat(ping(busy)).isEqualTo("+PONG\r\n");
					count++;
					Thread.sleep(timeout.toMillis() / 6);
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException("The busy client failed after " + count + " pings", ex);
				}
			}
			return count;
		});
		for (int i = 0; i < silent.size(); i++) {
			// the relay closes them: the end of the stream, or a reset for the stalled one
			readToEnd(silent.get(i));
			assertThat(Duration.ofNanos(System.nanoTime() - lastMoved.get(i)))
				.as("silent connection %d closed no sooner than the timeout", i)
				.isGreaterThanOrEqualTo(timeout);
		}
		assertThat(pings.get(30, TimeUnit.SECONDS)).isPositive();
		assertThat(relay.getIdleClosedCount()).isEqualTo(silent.size());
		// and then the busy one, once silent
		readToEnd(busy);
		awaitNothingHeld(relay);
		assertThat(relay.getIdleClosedCount()).isEqualTo(silent.size() + 1);
		assertThat(stats().peakBytesInUse()).isLessThanOrEqualTo(64 * 1024 + TRANSFER);
	}

	@Test
	void aBurstOfConnectsIsServedWhole() throws Exception {
		RelayServer relay = start(Duration.ZERO);
		int burst = 2000;
		try (ClientFleet fleet = ClientFleet.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
				relay.getPort()), burst, Duration.ofSeconds(60))) {
			assertThat(fleet.ping(1)).isEqualTo(burst);
			System.out.println("[burst] " + burst + " connects in one burst, backlog "
					+ new RelayProperties().getBacklog() + ": all connected in " + fleet.connectTime().toMillis()
					+ " ms");
			assertThat(this.agents.openCount(RelayServer.AGENT)).isEqualTo(burst);
		}
		awaitNothingHeld(relay);
	}

	@Test
	void queuesABurstOfConnectsWhileTheRelayIsBusy() throws Exception {
		// the relay's only I/O thread is held up by the first connection: the rest must wait
		// in the system's accept queue, and only a queue as long as the burst keeps them all
		int burst = Math.min(2000, somaxconn());
		assertThat(queuedWhileBusy(new RelayProperties().getBacklog(), burst, Duration.ofSeconds(30)))
			.as("connects of a burst of %d that completed, default backlog", burst)
			.isEqualTo(burst);
		// the old backlog of 50 drops the rest of the burst: they would retry after 1 s, 3 s, 7 s...
		assertThat(queuedWhileBusy(50, burst, Duration.ofSeconds(2)))
			.as("connects of a burst of %d that completed, backlog 50", burst)
			.isLessThan(burst / 2);
	}

	private int queuedWhileBusy(int backlog, int burst, Duration wait) throws Exception {
		AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(1, Thread::new);
		CountDownLatch busy = new CountDownLatch(1);
		List<AsynchronousSocketChannel> accepted = new ArrayList<>();
		Listener listener = Listener.listen(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
				backlog, (channel) -> {
					accepted.add(channel);
					try {
						busy.await(60, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
		try {
			InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port());
			try (ClientFleet fleet = ClientFleet.connect(address, burst, wait)) {
				return fleet.size();
			}
			catch (IOException ex) {
				// "N of M connects still pending": those whose SYN the full queue dropped
				String message = String.valueOf(ex.getMessage());
				int pending = Integer.parseInt(message.substring(0, message.indexOf(' ')));
				return burst - pending;
			}
		}
		finally {
			busy.countDown();
			listener.close();
			group.shutdownNow();
			group.awaitTermination(10, TimeUnit.SECONDS);
			accepted.forEach(Listener::closeQuietly);
		}
	}

	private RelayServer start(Duration idleTimeout) {
		RelayProperties properties = new RelayProperties();
		properties.setPort(0);
		properties.setUpstream("127.0.0.1:" + RedisServerProcess.shared().port());
		properties.setIdleBuffer(DataSize.ofBytes(IDLE));
		properties.setTransferBuffer(DataSize.ofBytes(TRANSFER));
		properties.setIdleTimeout(idleTimeout);
		properties.setIoThreads(2);
		RelayServer relay = new RelayServer(properties, this.agents);
		relay.start();
		this.resources.add(relay::stop);
		return relay;
	}

	private AgentStats stats() {
		return this.agents.find(RelayServer.AGENT).orElseThrow().stats();
	}

	private void awaitNothingHeld(RelayServer relay) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			assertThat(this.agents.openCount(RelayServer.AGENT)).as("open relay agents").isZero();
			AgentStats stats = stats();
			assertThat(stats.activeOperations()).as("active operations").isZero();
			assertThat(stats.bytesInUse()).as("bytes in use").isZero();
		});
		assertThat(relay.getConnectionCount()).isZero();
		assertThat(stats().reclaimed()).isZero();
		assertThat(this.allocator.stats().bytesInUse()).isZero();
	}

	private Socket connect(RelayServer relay) throws IOException {
		Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.getPort());
		// a client left hanging fails the test, it does not hang it
		socket.setSoTimeout(20_000);
		this.resources.add(socket);
		return socket;
	}

	private static String ping(Socket socket) throws IOException {
		write(socket, "PING\r\n");
		return new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
	}

	private static void write(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static void readToEnd(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			in.transferTo(OutputStream.nullOutputStream());
		}
		catch (SocketException ex) {
			// a reset: the relay closed with replies unread, as it must for a stalled client
		}
	}

	private static long directMemoryUsed() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
	}

	private static int somaxconn() throws IOException {
		Path limit = Path.of("/proc/sys/net/core/somaxconn");
		// a /proc file has no size: read it line by line
		return Files.isReadable(limit) ? Integer.parseInt(Files.readAllLines(limit).get(0).trim()) : 128;
	}

	/**
	 * Fail unless this process may open the given number of files: the JVM raises its
	 * soft limit to the hard one at start-up, so the hard limit is what counts
	 * ({@code ulimit -Hn}; {@code .ci/run} raises the soft one for Maven too).
	 */
	private static void assertOpenFilesAllowed(int needed) throws IOException {
		Path limits = Path.of("/proc/self/limits");
		if (!Files.isReadable(limits)) {
			return;
		}
		for (String line : Files.readAllLines(limits)) {
			if (line.startsWith("Max open files")) {
				String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
				assertThat(soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft))
					.as("open files this JVM may have (ulimit -n): the test needs %d", needed)
					.isGreaterThanOrEqualTo(needed);
			}
		}
	}

	/**
	 * A {@link ClientFleet} in a JVM of its own, the same Java as this one's.
	 */
	private static final class ClientProcess implements AutoCloseable {

		private final Process process;

		private final BufferedReader out;

		private ClientProcess(Process process) {
			this.process = process;
			this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
		}

		static ClientProcess start(int port, int count, int talkEvery) throws Exception {
			String java = ProcessHandle.current().info().command().orElse("java");
			String classes = Path.of(ClientFleet.class.getProtectionDomain().getCodeSource().getLocation().toURI())
				.toString();
			Process process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classes,
					ClientFleet.class.getName(), "127.0.0.1", Integer.toString(port), Integer.toString(count),
					Integer.toString(talkEvery))
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			return new ClientProcess(process);
		}

		/**
		 * Wait for the next line, which must start as given, and return it.
		 */
		String awaitLine(String prefix, Duration timeout) throws Exception {
			String line = CompletableFuture.supplyAsync(() -> {
				try {
					return this.out.readLine();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(line).as("the client process's next line").isNotNull().startsWith(prefix);
			return line;
		}

		@Override
		public void close() throws Exception {
			if (!this.process.isAlive()) {
				return;
			}
			// the end of its input lets it close every socket and exit
			this.process.getOutputStream().close();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

}
