package dev.posm.autoconfigure.netty;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.posm.autoconfigure.netty.NettyTestSupport.chunksOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler that drops the buffers of its request without releasing them: the garbage
 * collector finds them, they are counted for {@code http-server} (also in the meter
 * {@code posm.leaks} with the agent tag), and the leak log names the request, its
 * method, path and the client's address.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		// a context of its own: its leaks must not reach the other tests
		properties = { ReactiveApplication.REACTIVE, "posm.leak-detection=simple" })
@ExtendWith(OutputCaptureExtension.class)
class LeakReportTests extends AbstractReactiveApplicationTests {

	@Autowired
	private MeterRegistry registry;

	@Test
	void aDroppedBufferIsCountedForItsAgentAndItsLogNamesTheRequest(CapturedOutput output) {
		// a body of many reads: all but the first are taken while the request is served
		Long bytes = this.client.post()
			.uri("/the/path")
			.body(chunksOf(new byte[16 * 1024], 32))
			.retrieve()
			.bodyToMono(Long.class)
			.block(Duration.ofSeconds(10));
		assertThat(bytes).isEqualTo(32 * 16 * 1024);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			System.gc();
			return this.agents.agent(SERVER).stats().bytesInUse() == 0 && this.agents.leaks(SERVER) > 0;
		});
		long leaks = this.agents.leaks(SERVER);
		assertThat(this.registry.get("posm.leaks").tags("agent", SERVER, "allocator", "default").functionCounter().count())
			.isEqualTo(leaks);
		assertThat(this.registry.get("posm.leaks").tags("agent", "none", "allocator", "default").functionCounter().count())
			.isZero();
		assertThat(this.agents.leaks(CLIENT)).isZero();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.toString()
				.contains("taken by agent 'http-server' while serving POST /the/path from /127.0.0.1:"));
		assertThat(output.toString()).contains("was dropped without release()");
	}

}
