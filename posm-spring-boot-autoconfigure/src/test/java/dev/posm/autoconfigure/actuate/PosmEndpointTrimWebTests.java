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
			.jsonPath("$.allocators['big-io'].trimmedBytes").isEqualTo(0)
			.jsonPath("$.trimmedBytes").isEqualTo(1024);
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
			// an agent's cache is its own recycling memory, not the allocator's
			.jsonPath("$.agents.relay.cachedBytes").isEqualTo(WorkloadApplication.PAGE + 128);
	}

}
