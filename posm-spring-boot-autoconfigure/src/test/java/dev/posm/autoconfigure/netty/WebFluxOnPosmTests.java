package dev.posm.autoconfigure.netty;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import dev.posm.AgentStats;
import dev.posm.autoconfigure.netty.ReactiveApplication.Greeting;
import dev.posm.autoconfigure.netty.ReactiveApplication.Received;
import dev.posm.netty.PosmByteBufAllocator;
import dev.posm.test.PosmLeakExtension;

import static dev.posm.autoconfigure.netty.NettyTestSupport.chunksOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux application on Reactor Netty with the starter, driven by a real
 * {@code WebClient} (built by Spring Boot, so on posm too) over real sockets: JSON, a
 * streaming upload of 100 MB, a file download, server-sent events and many concurrent
 * connections. After each test the client's connections are closed, and then no agent
 * of either side is open, holds memory or has leaked.
 *
 * @author posm
 */
@SpringBootTest(classes = ReactiveApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { ReactiveApplication.REACTIVE, "management.endpoints.web.exposure.include=posm" })
@ExtendWith(PosmLeakExtension.class)
class WebFluxOnPosmTests extends AbstractReactiveApplicationTests {

	private static final int CHUNK = 64 * 1024;

	@Test
	void jsonOnPosmBuffersBothWays() {
		Greeting greeting = this.client.get()
			.uri("/greeting?name={name}", "posm")
			.retrieve()
			.bodyToMono(Greeting.class)
			.block(Duration.ofSeconds(10));
		assertThat(greeting).isEqualTo(new Greeting("Hello, posm", 4));
		Greeting echoed = this.client.post()
			.uri("/echo")
			.bodyValue(new Greeting("quiet", 5))
			.retrieve()
			.bodyToMono(Greeting.class)
			.block(Duration.ofSeconds(10));
		assertThat(echoed).isEqualTo(new Greeting("QUIET", 6));
		String allocator = this.client.get().uri("/allocator").retrieve().bodyToMono(String.class).block();
		assertThat(allocator).isEqualTo(PosmByteBufAllocator.class.getName());
		// the client's connections are agents too, open while they wait in the pool
		assertThat(this.agents.openCount(CLIENT)).isPositive();
		assertThat(this.agents.agent(CLIENT).stats().allocations()).isPositive();
		assertThat(this.agents.agent(SERVER).stats().allocations()).isPositive();
	}

	@Test
	void streamingUploadOf100MegabytesHoldsLittlePerConnection() {
		int chunks = 1600;
		CRC32 sent = new CRC32();
		byte[] chunk = new byte[CHUNK];
		new Random(11).nextBytes(chunk);
		for (int i = 0; i < chunks; i++) {
			sent.update(chunk);
		}
		Received received = this.client.post()
			.uri("/upload")
			.body(chunksOf(chunk, chunks))
			.retrieve()
			.bodyToMono(Received.class)
			.block(Duration.ofSeconds(45));
		assertThat(received).isEqualTo(new Received((long) chunks * CHUNK, sent.getValue()));
		// streamed: one connection held a small part of it at a time, on either side (what
		// arrives before the handler subscribes waits for it, and the client sends ahead)
		assertThat(this.agents.agent(SERVER).stats().peakBytesInUse()).isBetween(1L, 16L << 20);
		assertThat(this.agents.agent(CLIENT).stats().peakBytesInUse()).isBetween(1L, 16L << 20);
	}

	@Test
	void fileDownloadThroughDataBufferUtilsRead(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("download.bin");
		CRC32 written = new CRC32();
		Random random = new Random(7);
		byte[] block = new byte[100_000];
		try (OutputStream out = Files.newOutputStream(file)) {
			for (int i = 0; i < 100; i++) {
				random.nextBytes(block);
				written.update(block);
				out.write(block);
			}
		}
		CRC32 read = new CRC32();
		Long bytes = this.client.get()
			.uri((uri) -> uri.path("/download").queryParam("path", file.toString()).build())
			.retrieve()
			.bodyToFlux(DataBuffer.class)
			.map((buffer) -> {
				long count = buffer.readableByteCount();
				ReactiveApplication.update(read, buffer);
				DataBufferUtils.release(buffer);
				return count;
			})
			.reduce(0L, Long::sum)
			.block(Duration.ofSeconds(30));
		assertThat(bytes).isEqualTo(Files.size(file));
		assertThat(read.getValue()).isEqualTo(written.getValue());
	}

	@Test
	void serverSentEvents() {
		List<ServerSentEvent<String>> events = this.client.get()
			.uri("/events?count=200")
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(events).hasSize(200);
		for (int i = 0; i < events.size(); i++) {
			assertThat(events.get(i).id()).isEqualTo(Integer.toString(i + 1));
			assertThat(events.get(i).event()).isEqualTo("tick");
			assertThat(events.get(i).data()).isEqualTo("event " + (i + 1));
		}
	}

	@Test
	void manyConcurrentConnectionsEachAnAgent() {
		int requests = 300;
		AtomicInteger mostOpen = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
			while (running.get()) {
				mostOpen.accumulateAndGet(this.agents.openCount(SERVER), Math::max);
				LockSupport.parkNanos(1_000_000);
			}
		});
		List<Greeting> greetings = Flux.range(0, requests)
			.flatMap((i) -> this.client.get()
				.uri("/greeting?name={name}&delay=300", "n" + i)
				.retrieve()
				.bodyToMono(Greeting.class), requests)
			.collectList()
			.block(Duration.ofSeconds(45));
		running.set(false);
		sampler.join();
		assertThat(greetings).hasSize(requests)
			.extracting(Greeting::message)
			.doesNotHaveDuplicates()
			.allMatch((message) -> message.startsWith("Hello, n"));
		// every request waited on the server at once, each on a connection of its own
		assertThat(mostOpen.get()).isGreaterThanOrEqualTo(requests / 2);
		assertThat(this.agents.openCount(CLIENT)).isGreaterThanOrEqualTo(requests / 2);
	}

	@Test
	void endpointOverHttpShowsThePeakOfOneConnection() {
		Received received = this.client.post()
			.uri("/upload")
			.body(chunksOf(new byte[CHUNK], 16))
			.retrieve()
			.bodyToMono(Received.class)
			.block(Duration.ofSeconds(10));
		assertThat(received.bytes()).isEqualTo(16L * CHUNK);
		Map<String, Object> agent = this.client.get()
			.uri("/actuator/posm/http-server")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
		AgentStats stats = this.agents.agent(SERVER).stats();
		assertThat(agent).containsEntry("allocator", "default")
			.containsKeys("operations", "allocations", "recycled", "reclaimed", "bytesInUse", "cachedBytes");
		assertThat(((Number) agent.get("peakBytesInUse")).longValue()).isPositive()
			.isEqualTo(stats.peakBytesInUse());
		// this request's own connection, and the upload's, kept alive by the client
		assertThat(((Number) agent.get("openAgents")).intValue()).isBetween(1, 2);
	}

}
