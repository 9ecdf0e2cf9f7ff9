package dev.posm.sample.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.posm.sample.PrometheusServerProcess;
import dev.posm.sample.RedisServerProcess;
import dev.posm.sample.SampleApplication;
import dev.posm.sample.SampleApplicationTestBase;
import dev.posm.sample.docs.Readme.Block;
import dev.posm.sample.relay.RelayServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard {@code docs/grafana/posm.json} against a real Prometheus that
 * scrapes two running instances of the sample: every panel's query, with the
 * dashboard's variables as Grafana fills them, returns series summed over both
 * instances, and the README shows the same queries. Panels of meters that DESIGN.md
 * names and posm does not publish yet are checked to be empty, so that the day the
 * meter comes, this test asks for them to be checked like the others.
 *
 * @author posm
 */
@TestInstance(Lifecycle.PER_CLASS)
class GrafanaDashboardTests extends SampleApplicationTestBase {

	/**
	 * Series that panels read and posm does not publish yet, with why. Take one out
	 * when its meter is built: its panel is then checked like every other.
	 */
	private static final Map<String, String> AWAITED = Map.of();

	/** What Grafana puts for {@code $__rate_interval}: any window the test's scrapes fill. */
	private static final String RATE_INTERVAL = "1m";

	/** What the README's queries use where the dashboard has {@code $__rate_interval}. */
	private static final String README_INTERVAL = "5m";

	/** The time range of the panels, from the start of the test's traffic on. */
	private static final Duration PANEL_RANGE = Duration.ofSeconds(30);

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

	private static final int CHECKSUMS = 3;

	private static final Readme README = Readme.load();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private RelayServer relay;

	private ConfigurableApplicationContext second;

	private PrometheusServerProcess prometheus;

	@BeforeAll
	void twoInstancesScrapedByPrometheus() {
		long started = System.nanoTime();
		this.second = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--management.server.port=0", "--sample.relay.port=0",
				"--sample.relay.upstream=127.0.0.1:" + RedisServerProcess.shared().port(),
				"--sample.checksum.root=" + ROOT, "--spring.data.redis.port=" + RedisServerProcess.shared().port());
		long secondStarted = System.nanoTime();
		this.prometheus = PrometheusServerProcess.start(List.of(this.managementPort, managementPort(this.second)));
		System.out.printf("GrafanaDashboardTests: second instance %d ms, prometheus ready %d ms%n",
				(secondStarted - started) / 1_000_000, (System.nanoTime() - secondStarted) / 1_000_000);
	}

	@AfterAll
	void stop() {
		if (this.prometheus != null) {
			this.prometheus.close();
		}
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void everyPanelQueryReturnsSeriesOfEveryInstanceTogether() throws Exception {
		awaitScrapes(2);
		// the latest value of each instance's counter, even if its last scrape timed out
		String checksums = "sum(max_over_time(posm_agent_operations_total{agent=\"checksum\", "
				+ "outcome=\"success\"}[1m]))";
		// the context is shared with other tests: they may have used the checksum agent already
		double before = orZero(value(checksums));
		// traffic between scrapes, on both instances: rates have something to show
		int secondPort = this.second.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		int secondRelay = this.second.getBean(RelayServer.class).getPort();
		for (int instance = 0; instance < 2; instance++) {
			ping(instance == 0 ? this.relay.getPort() : secondRelay, 3, 20);
			for (int i = 0; i < CHECKSUMS; i++) {
				checksum(instance == 0 ? this.port : secondPort, randomBytes(100_000, i));
			}
		}
		awaitValue(checksums, before + 2 * CHECKSUMS);
		awaitScrapes(2);

		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(dashboardFile()));
		Map<String, String> variables = variables(dashboard);
		List<String> problems = new ArrayList<>();
		Set<String> awaitedSeen = new HashSet<>();
		int checked = 0;
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				String title = "panel '" + panel.get("title").asString() + "' " + target.get("refId").asString();
				String expr = substitute(target.get("expr").asString(), variables);
				// a range, as Grafana asks: a scrape that timed out on these busy cores leaves a gap, not a failure
				JsonNode result = this.prometheus.queryRange(expr, PANEL_RANGE, Duration.ofSeconds(1)).get("result");
				String awaited = awaited(expr);
				if (awaited != null) {
					awaitedSeen.add(awaited);
					checkAwaited(title, awaited, result, problems);
					continue;
				}
				checked++;
				if (result.isEmpty()) {
					problems.add(title + " returns no series: " + expr);
				}
				for (JsonNode series : result) {
					if (series.get("metric").has("instance")) {
						problems.add(title + " is not summed over instances: " + series.get("metric"));
					}
				}
			}
		}
		assertThat(problems).as("what the dashboard's panels show").isEmpty();
		assertThat(checked).as("panel queries run and returning series").isGreaterThanOrEqualTo(9);
		assertThat(awaitedSeen).as("awaited meters that a panel reads").isEqualTo(AWAITED.keySet());
		// the sums are over both instances: each served CHECKSUMS operations
		assertThat(value(checksums) - before).isEqualTo(2 * CHECKSUMS);
	}

	@Test
	void theDashboardsVariablesListTheScrapedJobAndBothInstances() throws Exception {
		awaitScrapes(0);
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(dashboardFile()));
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			if (!"query".equals(variable.get("type").asString())) {
				continue;
			}
			Matcher query = LABEL_VALUES.matcher(variable.get("query").get("query").asString());
			assertThat(query.matches()).as("variable " + variable.get("name") + " is label_values(selector, label)")
				.isTrue();
			String selector = query.group(1).replace("$job", PrometheusServerProcess.JOB);
			values.put(variable.get("name").asString(), this.prometheus.labelValues(selector, query.group(2)));
			assertThat(variable.get("allValue").asString()).as("All means every value").isEqualTo(".*");
		}
		assertThat(values).containsOnlyKeys("job", "instance");
		assertThat(values.get("job")).containsExactly(PrometheusServerProcess.JOB);
		assertThat(values.get("instance")).containsExactlyInAnyOrder("127.0.0.1:" + this.managementPort,
				"127.0.0.1:" + managementPort(this.second));
	}

	@Test
	void theReadmeShowsTheDashboardsQueriesAndEachOfItsQueriesRuns() throws Exception {
		awaitScrapes(0);
		List<String> readme = new ArrayList<>();
		for (Block block : README.blocks("promql")) {
			readme.addAll(queries(block));
		}
		assertThat(readme).as("the PromQL of the README").isNotEmpty();
		for (String query : readme) {
			// valid and runnable where posm is scraped; an alert condition may well be empty
			this.prometheus.query(query);
		}
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(dashboardFile()));
		List<String> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				panels.add(asInTheReadme(target.get("expr").asString()));
			}
		}
		assertThat(readme).as("the README's PromQL: the dashboard's queries without its variables")
			.containsAll(panels);
	}

	private void checkAwaited(String title, String series, JsonNode result, List<String> problems) {
		String prefix = series.replaceAll("_(bytes|total)$", "");
		JsonNode scraped = this.prometheus
			.queryRange("{__name__=~\"" + prefix + ".*\"}", PANEL_RANGE, Duration.ofSeconds(1))
			.get("result");
		if (!result.isEmpty() || !scraped.isEmpty()) {
			problems.add(title + " reads " + series + ", listed as awaited (" + AWAITED.get(series)
					+ "), but Prometheus has " + scraped + ": the meter exists now; take it out of AWAITED so that "
					+ "its panel is checked like the others, and make its name and the panel's agree");
		}
	}

	private static String awaited(String expr) {
		return AWAITED.keySet().stream().filter(expr::contains).findFirst().orElse(null);
	}

	private Map<String, String> variables(JsonNode dashboard) {
		Map<String, String> variables = new LinkedHashMap<>();
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			if ("query".equals(variable.get("type").asString())) {
				// the default, All: the variable's allValue
				variables.put("$" + variable.get("name").asString(), variable.get("allValue").asString());
			}
		}
		variables.put("$__rate_interval", RATE_INTERVAL);
		return variables;
	}

	private static String substitute(String expr, Map<String, String> variables) {
		String result = expr;
		// longest names first: $__rate_interval before any shorter name it starts with
		List<String> names = new ArrayList<>(variables.keySet());
		names.sort((a, b) -> b.length() - a.length());
		for (String name : names) {
			result = result.replace(name, variables.get(name));
		}
		assertThat(result).as("a query with every Grafana variable filled in").doesNotContain("$");
		return result;
	}

	/** The dashboard's query as the README prints it: no variables, a 5-minute window. */
	private static String asInTheReadme(String expr) {
		return expr.replace(", job=~\"$job\", instance=~\"$instance\"", "")
			.replace("{job=~\"$job\", instance=~\"$instance\"}", "")
			.replace("$__rate_interval", README_INTERVAL);
	}

	/** The queries of a PromQL block: separated by blank lines, {@code #} lines are comments. */
	private static List<String> queries(Block block) {
		List<String> queries = new ArrayList<>();
		StringBuilder query = new StringBuilder();
		for (String line : (block.text() + "\n").split("\n", -1)) {
			if (line.isBlank()) {
				if (!query.isEmpty()) {
					queries.add(query.toString());
					query.setLength(0);
				}
			}
			else if (!line.startsWith("#")) {
				query.append(query.isEmpty() ? "" : "\n").append(line);
			}
		}
		return queries;
	}

	/** Wait until both instances are up, then for scrapes that start after now. */
	private void awaitScrapes(int scrapes) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		String up = "count(max_over_time(up{job=\"" + PrometheusServerProcess.JOB + "\"}[1m]) == 1)";
		// NaN until Prometheus has its targets: its discovery hands them over within about 5 s of starting
		while (!(value(up) >= 2)) {
			assertThat(System.nanoTime()).as("both instances up in Prometheus: " + this.prometheus.activeTargets())
				.isLessThan(deadline);
			PrometheusServerProcess.sleep(200);
		}
		if (scrapes > 0) {
			PrometheusServerProcess.sleep(1000L * scrapes + 500);
		}
	}

	private void awaitValue(String query, double expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (value(query) != expected) {
			assertThat(System.nanoTime()).as(query + " = " + expected + ", now " + value(query)).isLessThan(deadline);
			PrometheusServerProcess.sleep(200);
		}
	}

	private double value(String query) {
		JsonNode result = this.prometheus.query(query).get("result");
		return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).get("value").get(1).asString());
	}

	private static double orZero(double value) {
		return Double.isNaN(value) ? 0 : value;
	}

	private static int managementPort(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
	}

	private static Path dashboardFile() {
		return README.file().resolveSibling("docs/grafana/posm.json");
	}

	private void checksum(int serverPort, byte[] body) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort + "/api/checksum"))
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.header("Content-Type", "application/octet-stream")
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	private static void ping(int relayPort, int connections, int pings) throws IOException {
		byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
		for (int c = 0; c < connections; c++) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relayPort)) {
				socket.setSoTimeout(10_000);
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				for (int i = 0; i < pings; i++) {
					out.write(ping);
					out.flush();
					assertThat(new String(in.readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
				}
			}
		}
	}

}
