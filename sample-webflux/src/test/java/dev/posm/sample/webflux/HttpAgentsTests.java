package dev.posm.sample.webflux;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.posm.sample.webflux.api.BodyDigest.Digest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What posm shows of the sample, read from {@code /actuator/posm} over real HTTP: every
 * connection the server accepts is an {@code http-server} agent and every connection its
 * {@code WebClient} opens an {@code http-client} agent; once the clients have closed,
 * none is open and none holds a byte, nothing leaked, and no connection ever held more
 * than its budget ({@code max-bytes-in-use: 2MB} in {@code application.yml}).
 *
 * @author posm
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "server.netty.idle-timeout=3s",
				"sample.webflux.upstream.max-idle-time=1s" })
class HttpAgentsTests extends SampleServerTestBase {

	private static final long BUDGET = 2 * 1024 * 1024;

	private static final int CONNECTIONS = 50;

	@LocalManagementPort
	private int managementPort;

	private PosmEndpoint posm;

	@BeforeEach
	void readPosm() {
		this.posm = new PosmEndpoint(this.managementPort);
	}

	@Test
	void manyConnectionsOfEveryKindGiveEverythingBackWhenTheyClose() throws IOException {
		byte[] file = new byte[200_000];
		new Random(3).nextBytes(file);
		Files.write(files.resolve("many.bin"), file);
		try (SampleClient client = new SampleClient(this.port, CONNECTIONS)) {
			WebClient web = client.webClient();
			Flux.range(0, CONNECTIONS * 8)
				.flatMap((i) -> request(web, i, file), CONNECTIONS)
				.then()
				.block(Duration.ofMinutes(2));
		}
		PosmEndpoint.Agent server = this.posm.awaitClosed("http-server");
		assertThat(server.allocator()).isEqualTo("http-io");
		assertThat(server.allocations()).isPositive();
		assertThat(server.recycled()).as("recycled").isPositive();
		assertThat(server.reclaimed()).as("reclaimed").isZero();
		assertThat(server.peakBytesInUse()).as("the most one connection held")
			.isGreaterThanOrEqualTo(64 * 1024)
			.isLessThanOrEqualTo(BUDGET);
		// the sample's own WebClient connections, closed when idle for a second
		PosmEndpoint.Agent client = this.posm.awaitClosed("http-client");
		assertThat(client.allocations()).isPositive();
		assertThat(client.reclaimed()).isZero();
		PosmEndpoint.Allocator allocator = this.posm.allocator("http-io");
		assertThat(allocator.leaks()).as("leaks").isZero();
		assertThat(allocator.held()).as("held").isZero();
		assertThat(allocator.bytesInUse()).as("bytesInUse").isZero();
		assertThat(allocator.allocations()).as("allocations = releases + reclaimed + held")
			.isEqualTo(allocator.releases() + allocator.reclaimed() + allocator.held());
		// the bench's peak of posm's direct memory saw at least one connection's peak
		assertThat(this.posm.gauge("sample.direct.memory.peak", "counter:posm"))
			.isGreaterThanOrEqualTo(server.peakBytesInUse());
	}

	@Test
	void aHundredMegabyteUploadNeverHoldsMoreThanTheConnectionBudget() {
		long size = 100L * 1024 * 1024;
		try (SampleClient client = new SampleClient(this.port, 1)) {
			Digest digest = client.webClient()
				.post()
				.uri("/api/upload")
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.body(Payloads.random(size, 11), DataBuffer.class)
				.retrieve()
				.bodyToMono(Digest.class)
				.block(Duration.ofMinutes(2));
			assertThat(digest).isEqualTo(new Digest(size, Payloads.randomSha256(size, 11)));
		}
		PosmEndpoint.Agent server = this.posm.awaitClosed("http-server");
		assertThat(server.peakBytesInUse()).isPositive().isLessThanOrEqualTo(BUDGET);
		assertThat(this.posm.allocator("http-io").leaks()).isZero();
	}

	private Mono<Void> request(WebClient web, int i, byte[] file) {
		return switch (i % 6) {
			case 0 -> web.get().uri("/api/hello").retrieve().bodyToMono(String.class)
				.doOnNext((body) -> assertThat(body).contains("\"message\":\"hello\"")).then();
			case 1 -> web.get().uri("/api/bytes").retrieve().bodyToMono(byte[].class)
				.doOnNext((body) -> assertThat(Payloads.firstWrongPayloadByte(body)).isEqualTo(-1)).then();
			case 2 -> web.post().uri("/api/upload").contentType(MediaType.APPLICATION_OCTET_STREAM)
				.body(Payloads.random(300_000, i), DataBuffer.class).retrieve().bodyToMono(Digest.class)
				.doOnNext((digest) -> assertThat(digest.sha256()).isEqualTo(Payloads.randomSha256(300_000, i)))
				.then();
			case 3 -> web.get().uri("/api/files/many.bin").retrieve().bodyToMono(byte[].class)
				.doOnNext((body) -> assertThat(body).isEqualTo(file)).then();
			case 4 -> web.get().uri("/api/events?count=3&interval=5ms").retrieve().bodyToFlux(String.class)
				.count().doOnNext((events) -> assertThat(events).isEqualTo(3)).then();
			default -> web.get().uri("/api/client/bytes?size=100000").retrieve().bodyToMono(String.class)
				.doOnNext((body) -> assertThat(body).contains(Payloads.payloadSha256(100_000))).then();
		};
	}

}
