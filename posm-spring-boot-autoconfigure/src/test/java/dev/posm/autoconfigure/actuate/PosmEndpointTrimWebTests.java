package dev.posm.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The {@code posm} endpoint's trim over real HTTP, with the endpoint's access
 * unrestricted.
 *
 * @author posm
 */
@SpringBootTest(classes = WorkloadApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=posm",
				"management.endpoint.posm.access=unrestricted" })
@AutoConfigureRestTestClient
class PosmEndpointTrimWebTests {

	@Autowired
	private RestTestClient client;

	@Test
	void trimsEveryAllocatorAndSaysWhatWasGivenBack() {
		this.client.post()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.allocators.default.retainedBytesBefore").isEqualTo(1024)
			.jsonPath("$.allocators.default.retainedBytesAfter").isEqualTo(0)
			.jsonPath("$.allocators.default.trimmedBytes").isEqualTo(1024)
			.jsonPath("$.allocators['big-io'].retainedBytesBefore").isEqualTo(0)
			// relay's two cached blocks are given back too
			.jsonPath("$.allocators['big-io'].agentCachedBytesBefore").isEqualTo(WorkloadApplication.PAGE + 128)
			.jsonPath("$.allocators['big-io'].agentCachedBytesAfter").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].trimmedBytes").isEqualTo(WorkloadApplication.PAGE + 128)
			.jsonPath("$.trimmedBytes").isEqualTo(1024 + WorkloadApplication.PAGE + 128);
		this.client.get()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.allocators.default.retainedBytes").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].retainedBytes").isEqualTo(0)
			// trimming gives back kept memory only: the counters stay
			.jsonPath("$.allocators.default.allocations").isEqualTo(1)
			// a trim reaches the agents' caches
			.jsonPath("$.agents.relay.cachedBytes").isEqualTo(0);
	}

}
