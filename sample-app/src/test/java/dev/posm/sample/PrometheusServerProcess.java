package dev.posm.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

/**
 * A real Prometheus server, the {@code prometheus} binary from the {@code PATH}, on a
 * free loopback port with a configuration and a data directory of its own, scraping
 * the given Actuator endpoints every second. It runs no system service: {@link #close()}
 * stops it and deletes its directory.
 *
 * @author posm
 */
public final class PrometheusServerProcess implements AutoCloseable {

	/** The job name of the scraped applications. */
	public static final String JOB = "posm-sample";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final int port;

	private final Path directory;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private PrometheusServerProcess(Process process, int port, Path directory) {
		this.process = process;
		this.port = port;
		this.directory = directory;
	}

	/**
	 * Start a server that scrapes {@code /actuator/prometheus} of the given management
	 * ports on 127.0.0.1 every second, and wait until it is ready.
	 * @param managementPorts the management ports of the applications
	 * @return the running server
	 * @throws IllegalStateException if there is no {@code prometheus} binary or it does not
	 * start
	 */
	public static PrometheusServerProcess start(List<Integer> managementPorts) {
		Path binary = binary().orElseThrow(() -> new IllegalStateException("No prometheus binary on the PATH ("
				+ System.getenv("PATH") + "): install it (Debian: apt-get install --no-install-recommends "
				+ "prometheus; .ci/run does). This test needs a real Prometheus and does not skip."));
		Path directory;
		int port;
		Process process;
		try {
			directory = Files.createTempDirectory("prometheus");
			port = freePort();
			String targets = managementPorts.stream()
				.map((managementPort) -> "'127.0.0.1:" + managementPort + "'")
				.collect(Collectors.joining(", "));
			Path config = Files.writeString(directory.resolve("prometheus.yml"), """
					global:
					  scrape_interval: 1s
					  scrape_timeout: 1s
					  evaluation_interval: 1s
					scrape_configs:
					  - job_name: %s
					    metrics_path: /actuator/prometheus
					    static_configs:
					      - targets: [%s]
					""".formatted(JOB, targets));
			process = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + config,
					"--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
					"--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
				.directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("prometheus.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + binary, ex);
		}
		PrometheusServerProcess server = new PrometheusServerProcess(process, port, directory);
		try {
			server.awaitReady();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * Return the {@code prometheus} binary of the {@code PATH}, if there is one.
	 * @return the binary
	 */
	public static Optional<Path> binary() {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String entry : path.split(File.pathSeparator)) {
			Path candidate = Path.of(entry, "prometheus");
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/**
	 * Return the port of the server's HTTP API, on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Run an instant query at the present time.
	 * @param promql the expression
	 * @return the {@code data} of the answer: {@code resultType} and {@code result}
	 * @throws AssertionError if Prometheus does not answer with {@code status} success
	 */
	public JsonNode query(String promql) {
		return get("/api/v1/query?query=" + encode(promql), promql).get("data");
	}

	/**
	 * Run a range query over the last moments, as a Grafana time series panel does.
	 * @param promql the expression
	 * @param window how far back from now
	 * @param step the resolution
	 * @return the {@code data} of the answer: {@code resultType} (matrix) and {@code result}
	 * @throws AssertionError if Prometheus does not answer with {@code status} success
	 */
	public JsonNode queryRange(String promql, Duration window, Duration step) {
		double end = System.currentTimeMillis() / 1000.0;
		double start = end - window.toMillis() / 1000.0;
		return get("/api/v1/query_range?query=" + encode(promql) + "&start=" + start + "&end=" + end + "&step="
				+ step.toMillis() / 1000.0, promql).get("data");
	}

	/**
	 * Return the values of a label among the series that match a selector, as
	 * Grafana's {@code label_values(selector, label)} does.
	 * @param selector the series selector
	 * @param label the label
	 * @return the values
	 */
	public List<String> labelValues(String selector, String label) {
		List<String> values = new ArrayList<>();
		get("/api/v1/label/" + label + "/values?match[]=" + encode(selector), selector).get("data")
			.forEach((value) -> values.add(value.asString()));
		return values;
	}

	/**
	 * Return the scrape targets that are active.
	 * @return the {@code activeTargets} of {@code /api/v1/targets}
	 */
	public JsonNode activeTargets() {
		return get("/api/v1/targets?state=active", "targets").get("data").get("activeTargets");
	}

	/**
	 * Return what the server has logged so far.
	 * @return the log
	 */
	public String log() {
		try {
			return Files.readString(this.directory.resolve("prometheus.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private JsonNode get(String pathAndQuery, String what) {
		HttpResponse<String> response = send(pathAndQuery);
		JsonNode answer;
		try {
			answer = JSON.readTree(response.body());
		}
		catch (RuntimeException ex) {
			throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + what + ": "
					+ response.body(), ex);
		}
		if (!"success".equals(answer.path("status").asString())) {
			throw new AssertionError("Prometheus answered " + response.statusCode() + " to " + what + ": "
					+ answer.path("errorType").asString() + ": " + answer.path("error").asString());
		}
		return answer;
	}

	private HttpResponse<String> send(String pathAndQuery) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot reach Prometheus on port " + this.port + ": " + log(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while asking Prometheus", ex);
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		Exception last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("prometheus exited with " + this.process.exitValue() + ": " + log());
			}
			try {
				if (send("/-/ready").statusCode() == 200) {
					return;
				}
			}
			catch (IllegalStateException ex) {
				last = ex;
			}
			sleep(100);
		}
		throw new IllegalStateException("prometheus was not ready in " + START_TIMEOUT.toSeconds() + " s on port "
				+ this.port + ": " + log(), last);
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
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

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Sleep, for tests that wait for scrapes.
	 * @param millis how long
	 */
	public static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Prometheus", ex);
		}
	}

}
