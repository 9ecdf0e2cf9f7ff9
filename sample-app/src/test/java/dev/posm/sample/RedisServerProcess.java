package dev.posm.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.util.FileSystemUtils;

/**
 * A real {@code redis-server} started from the {@code PATH} on a free loopback port,
 * without persistence: what the Redis tests run against where there is no Docker
 * ({@code .ci/run} installs the binary).
 *
 * @author posm
 */
public final class RedisServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private static RedisServerProcess shared;

	private final Process process;

	private final int port;

	private final Path directory;

	private RedisServerProcess(Process process, int port, Path directory) {
		this.process = process;
		this.port = port;
		this.directory = directory;
	}

	/**
	 * Return the server shared by the tests of this JVM, started on first use and
	 * stopped when the JVM exits.
	 * @return the running server
	 */
	public static synchronized RedisServerProcess shared() {
		if (shared == null) {
			RedisServerProcess started = start();
			Runtime.getRuntime().addShutdownHook(new Thread(started::close, "redis-server-stop"));
			shared = started;
		}
		return shared;
	}

	/**
	 * Start a server on a free port and wait until it answers {@code PING}.
	 * @return the running server
	 */
	public static RedisServerProcess start() {
		Path directory;
		int port;
		Process process;
		try {
			directory = Files.createTempDirectory("redis-server");
			port = freePort();
			process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir",
					directory.toString()))
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start redis-server: install it (apt-get install redis-server;"
					+ " .ci/run does) or run where Docker is available", ex);
		}
		RedisServerProcess server = new RedisServerProcess(process, port, directory);
		try {
			server.awaitPong();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * Return the port the server listens on, on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	private void awaitPong() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		Exception last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue() + ": "
						+ log());
			}
			try {
				if (ping()) {
					return;
				}
			}
			catch (IOException ex) {
				last = ex;
			}
			sleep(50);
		}
		throw new IllegalStateException("redis-server did not answer PING in " + START_TIMEOUT.toSeconds()
				+ " s on port " + this.port + ": " + log(), last);
	}

	private boolean ping() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
		}
	}

	private String log() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/**
	 * Kill the server at once ({@code SIGKILL}), as a crash would: the system closes its
	 * connections, without a word from Redis.
	 */
	public void kill() {
		this.process.destroyForcibly();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not die");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while killing redis-server", ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		try {
			FileSystemUtils.deleteRecursively(this.directory);
		}
		catch (IOException ex) {
			// a temporary directory: the system cleans it in the end
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

}
