package dev.posm.autoconfigure.netty;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import dev.posm.autoconfigure.netty.ReactiveApplication.Received;
import dev.posm.test.PosmLeakExtension;

import static dev.posm.autoconfigure.netty.NettyTestSupport.chunksOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-total-bytes-in-use} of {@code http-server} (here 1 MB for every connection
 * together): concurrent requests that would hold more have connections closed until
 * the rest fit; those served got every byte, and once the memory is back the server
 * serves again.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ReactiveApplication.REACTIVE, "posm.agents.http-server.max-total-bytes-in-use=1MB" })
@ExtendWith(PosmLeakExtension.class)
class TotalBudgetTests extends AbstractReactiveApplicationTests {

	@Test
	void requestsOverTheBudgetOfTheirAgentNameHaveTheirConnectionsClosed() {
		byte[] chunk = new byte[32 * 1024];
		new Random(3).nextBytes(chunk);
		CRC32 crc = new CRC32();
		for (int i = 0; i < 24; i++) {
			crc.update(chunk);
		}
		Received whole = new Received(24L * chunk.length, crc.getValue());
		long refusedBefore = this.agents.agent(SERVER).stats().refused();
		// four handlers holding 768 KB each for a while, at once, against 1 MB for all
		List<Object> outcomes = Flux.range(0, 4)
			.flatMap((i) -> this.client.post()
				.uri("/join?hold=500")
				.body(chunksOf(chunk, 24))
				.retrieve()
				.bodyToMono(Received.class)
				.cast(Object.class)
				.onErrorResume(WebClientRequestException.class, Mono::just), 4)
			.collectList()
			.block(Duration.ofSeconds(30));
		// each got all its bytes, or its connection closed
		assertThat(outcomes).hasSize(4)
			.allMatch((outcome) -> whole.equals(outcome)
					|| (outcome instanceof Throwable failure && NettyTestSupport.isClosedBeforeResponse(failure)))
			.anyMatch(Throwable.class::isInstance);
		assertThat(this.agents.agent(SERVER).stats().refused()).isGreaterThan(refusedBefore);
		// the memory is back: the next request is served
		Received after = this.client.post()
			.uri("/join")
			.body(chunksOf(chunk, 24))
			.retrieve()
			.bodyToMono(Received.class)
			.block(Duration.ofSeconds(10));
		assertThat(after).isEqualTo(whole);
	}

}
