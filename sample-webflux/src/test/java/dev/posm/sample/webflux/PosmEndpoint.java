package dev.posm.sample.webflux;

import java.time.Duration;
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
		return this.client.get()
			.uri("/actuator/posm/agents/{name}", name)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Agent.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Read one allocator's numbers from {@code GET /actuator/posm/allocators/{name}}.
	 * @param name the allocator name
	 * @return its numbers
	 */
	Allocator allocator(String name) {
		return this.client.get()
			.uri("/actuator/posm/allocators/{name}", name)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Allocator.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Read the names of every agent the endpoint lists.
	 * @return the names
	 */
	@SuppressWarnings("unchecked")
	Map<String, Object> agents() {
		Map<String, Object> all = this.client.get()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return (Map<String, Object>) all.get("agents");
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
