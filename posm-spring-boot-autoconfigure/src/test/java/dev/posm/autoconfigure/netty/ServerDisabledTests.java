package dev.posm.autoconfigure.netty;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import dev.posm.autoconfigure.netty.ReactiveApplication.Greeting;
import dev.posm.netty.PosmByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code posm.netty.server.enabled=false}: the server's connections keep Netty's own
 * allocator and no {@code http-server} agent appears; the client's are still on posm.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ReactiveApplication.REACTIVE, "posm.netty.server.enabled=false" })
class ServerDisabledTests extends AbstractReactiveApplicationTests {

	@Test
	void serverConnectionsKeepNettysAllocator() {
		String allocator = this.client.get().uri("/allocator").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		assertThat(allocator).startsWith("io.netty.buffer.").isNotEqualTo(PosmByteBufAllocator.class.getName());
		Greeting greeting = this.client.get()
			.uri("/greeting?name={name}", "netty")
			.retrieve()
			.bodyToMono(Greeting.class)
			.block(Duration.ofSeconds(10));
		assertThat(greeting).isEqualTo(new Greeting("Hello, netty", 5));
		assertThat(this.agents.find(SERVER)).isEmpty();
		assertThat(this.agents.openCount(SERVER)).isZero();
		assertThat(this.agents.find(CLIENT)).hasValueSatisfying(
				(agent) -> assertThat(agent.stats().allocations()).isPositive());
	}

}
