package dev.posm.sample.relay;

import java.util.Map;

import org.springframework.test.web.servlet.client.RestTestClient;

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
