package dev.posm.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The {@code posm} endpoint over real HTTP, exposed with its default (read-only) access,
 * after the {@link WorkloadApplication} workload.
 *
 * @author posm
 */
@SpringBootTest(classes = WorkloadApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=posm,prometheus")
@AutoConfigureRestTestClient
class PosmEndpointWebTests {

	@Autowired
	private RestTestClient client;

	@Test
	void describesEveryAllocatorWithExactNumbers() {
		this.client.get()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.allocators.length()").isEqualTo(2)
			.jsonPath("$.allocators['big-io'].type").isEqualTo("pooled")
			.jsonPath("$.allocators['big-io'].direct").isEqualTo(true)
			.jsonPath("$.allocators['big-io'].allocations").isEqualTo(3)
			.jsonPath("$.allocators['big-io'].recycled").isEqualTo(1)
			.jsonPath("$.allocators['big-io'].fresh").isEqualTo(2)
			.jsonPath("$.allocators['big-io'].releases").isEqualTo(2)
			.jsonPath("$.allocators['big-io'].reclaimed").isEqualTo(1)
			.jsonPath("$.allocators['big-io'].bytesInUse").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].peakBytesInUse").isEqualTo(WorkloadApplication.PAGE)
			.jsonPath("$.allocators['big-io'].retainedBytes").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].held").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].recycledRatio").isEqualTo(1.0 / 3)
			.jsonPath("$.allocators['big-io'].leaks").isEqualTo(0)
			.jsonPath("$.allocators['big-io'].details.leakDetection").isEqualTo("simple")
			.jsonPath("$.allocators['big-io'].details.maxBlockSize").isEqualTo(1024 * 1024)
			.jsonPath("$.allocators['big-io'].details.maxRetained").isEqualTo(8 * 1024 * 1024)
			.jsonPath("$.allocators['big-io'].details.sizeClasses[0].blockSize").isEqualTo(64)
			.jsonPath("$.allocators.default.type").isEqualTo("recycling")
			.jsonPath("$.allocators.default.allocations").isEqualTo(1)
			.jsonPath("$.allocators.default.fresh").isEqualTo(1)
			.jsonPath("$.allocators.default.recycled").isEqualTo(0)
			.jsonPath("$.allocators.default.releases").isEqualTo(1)
			.jsonPath("$.allocators.default.peakBytesInUse").isEqualTo(1024)
			.jsonPath("$.allocators.default.retainedBytes").isEqualTo(1024)
			.jsonPath("$.allocators.default.details.threadCacheBlocks").isEqualTo(2);
	}

	@Test
	void describesEveryAgentWithExactNumbers() {
		this.client.get()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.agents.length()").isEqualTo(2)
			.jsonPath("$.agents.relay.allocator").isEqualTo("big-io")
			.jsonPath("$.agents.relay.operations").isEqualTo(3)
			.jsonPath("$.agents.relay.activeOperations").isEqualTo(0)
			.jsonPath("$.agents.relay.failedOperations").isEqualTo(1)
			.jsonPath("$.agents.relay.allocations").isEqualTo(3)
			.jsonPath("$.agents.relay.recycled").isEqualTo(1)
			.jsonPath("$.agents.relay.reclaimed").isEqualTo(1)
			.jsonPath("$.agents.relay.bytesInUse").isEqualTo(0)
			.jsonPath("$.agents.relay.peakBytesInUse").isEqualTo(WorkloadApplication.PAGE)
			// the 4 KiB block and the 128-byte block wait in the agent's cache for its next operations
			.jsonPath("$.agents.relay.cachedBytes").isEqualTo(WorkloadApplication.PAGE + 128)
			.jsonPath("$.agents.relay.openAgents").isEqualTo(0)
			.jsonPath("$.agents.uploads.allocator").isEqualTo("default")
			.jsonPath("$.agents.uploads.operations").isEqualTo(0)
			.jsonPath("$.agents.uploads.openAgents").isEqualTo(1);
	}

	@Test
	void describesOneAllocatorOrAgentByName() {
		this.client.get()
			.uri("/actuator/posm/big-io")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.type").isEqualTo("pooled")
			.jsonPath("$.allocations").isEqualTo(3)
			.jsonPath("$.operations").doesNotExist();
		this.client.get()
			.uri("/actuator/posm/relay")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.allocator").isEqualTo("big-io")
			.jsonPath("$.operations").isEqualTo(3)
			.jsonPath("$.type").doesNotExist();
	}

	@Test
	void describesOneAllocatorOrAgentByKindAndName() {
		this.client.get()
			.uri("/actuator/posm/allocators/default")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.type").isEqualTo("recycling");
		this.client.get()
			.uri("/actuator/posm/agents/uploads")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.allocator").isEqualTo("default");
		// an agent is not an allocator
		this.client.get().uri("/actuator/posm/allocators/relay").exchange().expectStatus().isNotFound();
	}

	@Test
	void answersNotFoundForAnUnknownName() {
		this.client.get().uri("/actuator/posm/no-such-thing").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/posm/agents/no-such-agent").exchange().expectStatus().isNotFound();
	}

	@Test
	void answersBadRequestForAnUnknownKind() {
		this.client.get().uri("/actuator/posm/pools/default").exchange().expectStatus().isBadRequest();
	}

	@Test
	void refusesTrimWithTheDefaultAccess() {
		this.client.post()
			.uri("/actuator/posm")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
		// nothing was trimmed
		this.client.get()
			.uri("/actuator/posm/default")
			.exchange()
			.expectBody()
			.jsonPath("$.retainedBytes")
			.isEqualTo(1024);
	}

}
