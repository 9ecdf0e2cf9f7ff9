package dev.posm.autoconfigure.netty;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.posm.AgentStats;
import dev.posm.autoconfigure.netty.ReactiveApplication.Greeting;
import dev.posm.autoconfigure.netty.ReactiveApplication.Received;
import dev.posm.test.PosmLeakExtension;

import static dev.posm.autoconfigure.netty.NettyTestSupport.chunksOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A request whose connection goes over {@code max-bytes-in-use} (here 256 KB per
 * connection): its connection is closed, which its client sees as a connection closed
 * before the response; the requests of other connections are served meanwhile and
 * after; nothing is held once the clients close, and the refusal is counted.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ReactiveApplication.REACTIVE, "posm.agents.http-server.max-bytes-in-use=256KB" })
@ExtendWith(OutputCaptureExtension.class)
@ExtendWith(PosmLeakExtension.class)
class BudgetTests extends AbstractReactiveApplicationTests {

	@Test
	void aRequestOverTheBudgetOfItsConnectionHasTheConnectionClosed(CapturedOutput output) {
		long refusedBefore = this.agents.agent(SERVER).stats().refused();
		// 4 MB held at once by one handler, on a connection allowed 256 KB
		Mono<Received> tooBig = this.client.post()
			.uri("/join")
			.body(chunksOf(new byte[64 * 1024], 64))
			.retrieve()
			.bodyToMono(Received.class);
		Flux<Greeting> others = Flux.range(0, 20)
			.flatMap((i) -> this.client.get()
				.uri("/greeting?name={name}&delay=100", "other" + i)
				.retrieve()
				.bodyToMono(Greeting.class), 20);
		Mono<List<Greeting>> served = others.collectList().subscribeOn(Schedulers.parallel()).cache();
		served.subscribe();
		assertThatException().isThrownBy(() -> tooBig.block(Duration.ofSeconds(20)))
			.matches(NettyTestSupport::isClosedBeforeResponse);
		assertThat(served.block(Duration.ofSeconds(20))).hasSize(20);
		// and after it
		Received small = this.client.post()
			.uri("/join")
			.body(chunksOf(new byte[16 * 1024], 4))
			.retrieve()
			.bodyToMono(Received.class)
			.block(Duration.ofSeconds(10));
		assertThat(small.bytes()).isEqualTo(64 * 1024);
		AgentStats stats = this.agents.agent(SERVER).stats();
		assertThat(stats.refused()).isGreaterThan(refusedBefore);
		assertThat(stats.peakBytesInUse()).isLessThanOrEqualTo(256 * 1024);
		assertThat(output.toString()).contains("Closing POST /join from /127.0.0.1:")
			.contains("max-bytes-in-use");
	}

}
