package dev.posm.sample.webflux;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code posm} Actuator endpoint of a running sample, read over real HTTP from the
 * management port.
 *
 * @author posm
 */
final class PosmEndpoint {

	private final WebTestClient client;

	PosmEndpoint(int managementPort) {
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
	}

	/**
	 * Read one agent name's numbers from {@code GET /actuator/posm/agents/{name}}.
	 * @param name the agent name
	 * @return its numbers
	 */
	Agent agent(String name) {
		return read(Agent.class, "/actuator/posm/agents/{name}", name);
	}

	/**
	 * Read one allocator's numbers from {@code GET /actuator/posm/allocators/{name}}.
	 * @param name the allocator name
	 * @return its numbers
	 */
	Allocator allocator(String name) {
		return read(Allocator.class, "/actuator/posm/allocators/{name}", name);
	}

	/**
	 * Read the value of a gauge from {@code GET /actuator/metrics/{name}?tag=...}.
	 * @param name the meter's name
	 * @param tag the tag, as {@code key:value}
	 * @return its value
	 */
	@SuppressWarnings("unchecked")
	double gauge(String name, String tag) {
		Map<String, Object> metric = read(Map.class, "/actuator/metrics/{name}?tag={tag}", name, tag);
		List<Map<String, Object>> measurements = (List<Map<String, Object>>) metric.get("measurements");
		return ((Number) measurements.get(0).get("value")).doubleValue();
	}

	/**
	 * Read every agent the endpoint lists, by name.
	 * @return the agents
	 */
	@SuppressWarnings("unchecked")
	Map<String, Object> agents() {
		return (Map<String, Object>) read(Map.class, "/actuator/posm").get("agents");
	}

	private <T> T read(Class<T> type, String uri, Object... variables) {
		return this.client.get()
			.uri(uri, variables)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(type)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Wait until no connection of an agent name is open and none holds memory.
	 * @param name the agent name
	 * @return its numbers then
	 */
	Agent awaitClosed(String name) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Agent agent = agent(name);
			assertThat(agent.openAgents()).as(name + " openAgents").isZero();
			assertThat(agent.bytesInUse()).as(name + " bytesInUse").isZero();
		});
		return agent(name);
	}

	/**
	 * The numbers of an agent name.
	 */
	record Agent(String allocator, long allocations, long recycled, long reclaimed, long bytesInUse,
			long peakBytesInUse, long cachedBytes, long openAgents) {

	}

	/**
	 * The numbers of an allocator.
	 */
	record Allocator(String type, long allocations, long releases, long reclaimed, long bytesInUse, long held,
			long leaks) {

	}

}
