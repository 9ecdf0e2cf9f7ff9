package dev.posm.autoconfigure.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The {@code posm} endpoint is not served over HTTP unless the application exposes it.
 *
 * @author posm
 */
@SpringBootTest(classes = WorkloadApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class PosmEndpointNotExposedWebTests {

	@Autowired
	private RestTestClient client;

	@Test
	void isNotFoundWhenNotExposed() {
		// the actuator itself answers: only posm is missing
		this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
		this.client.get().uri("/actuator/posm").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/posm/default").exchange().expectStatus().isNotFound();
		this.client.post().uri("/actuator/posm").exchange().expectStatus().isNotFound();
	}

}
