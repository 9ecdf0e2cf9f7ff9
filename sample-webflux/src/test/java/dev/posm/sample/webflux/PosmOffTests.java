package dev.posm.sample.webflux;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with {@code posm.netty.server.enabled=false}, the bench's "posm off": Netty's
 * own allocator serves, and posm has no {@code http-server} agent.
 *
 * @author posm
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "posm.netty.server.enabled=false" })
class PosmOffTests extends SampleServerTestBase {

	@LocalManagementPort
	private int managementPort;

	@Test
	void nettyServesAndNoConnectionIsAnAgent() {
		try (SampleClient client = new SampleClient(this.port, 4)) {
			for (int i = 0; i < 20; i++) {
				byte[] body = client.webClient().get().uri("/api/bytes").retrieve().bodyToMono(byte[].class).block();
				assertThat(Payloads.firstWrongPayloadByte(body)).isEqualTo(-1);
			}
		}
		PosmEndpoint posm = new PosmEndpoint(this.managementPort);
		assertThat(posm.agents()).doesNotContainKey("http-server");
		assertThat(posm.allocator("http-io").allocations()).as("buffers posm served").isZero();
	}

}
