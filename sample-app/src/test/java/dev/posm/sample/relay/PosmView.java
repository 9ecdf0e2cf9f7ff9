package dev.posm.sample.relay;

import java.time.Duration;
import java.util.Map;

import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code GET /actuator/posm} answers, read over real HTTP from the management
 * port: the numbers the tests check.
 *
 * @param allocators the allocators by name
 * @param agents the agents by name
 * @author posm
 */
record PosmView(Map<String, AllocatorView> allocators, Map<String, AgentView> agents) {

	/**
	 * Fetch the endpoint.
	 * @param managementPort the management port
	 * @return what it answered
	 */
	static PosmView fetch(int managementPort) {
		return RestTestClient.bindToServer()
			.baseUrl("http://localhost:" + managementPort)
			.build()
			.get()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(PosmView.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * Wait until no agent of the given name is open, active or holding memory, then
	 * return what the endpoint says of it.
	 * @param managementPort the management port
	 * @param agent the agent name
	 * @return the agent's numbers once idle
	 */
	static AgentView awaitIdle(int managementPort, String agent) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			AgentView view = fetch(managementPort).agent(agent);
			assertThat(view.openAgents()).as("openAgents").isZero();
			assertThat(view.activeOperations()).as("activeOperations").isZero();
			assertThat(view.bytesInUse()).as("bytesInUse").isZero();
		});
		return fetch(managementPort).agent(agent);
	}

	AgentView agent(String name) {
		AgentView agent = this.agents.get(name);
		if (agent == null) {
			throw new AssertionError("No agent '" + name + "' in " + this.agents.keySet());
		}
		return agent;
	}

	AllocatorView allocator(String name) {
		AllocatorView allocator = this.allocators.get(name);
		if (allocator == null) {
			throw new AssertionError("No allocator '" + name + "' in " + this.allocators.keySet());
		}
		return allocator;
	}

	/**
	 * One agent name's numbers.
	 */
	record AgentView(String allocator, long operations, long activeOperations, long failedOperations,
			long allocations, long recycled, long reclaimed, long bytesInUse, long peakBytesInUse, long cachedBytes,
			int openAgents) {

	}

	/**
	 * One allocator's numbers.
	 */
	record AllocatorView(String type, boolean direct, long allocations, long recycled, long fresh, long releases,
			long reclaimed, long bytesInUse, long peakBytesInUse, long retainedBytes, long held, long leaks) {

	}

}
