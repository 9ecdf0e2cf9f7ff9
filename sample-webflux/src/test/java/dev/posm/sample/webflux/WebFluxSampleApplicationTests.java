package dev.posm.sample.webflux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.posm.sample.webflux.api.BodyDigest.Digest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's API over real HTTP, from a real {@code WebClient}: what each endpoint
 * answers, to good and to bad input. These hold on any allocator; what posm counts is
 * checked by {@link HttpAgentsTests}.
 *
 * @author posm
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class WebFluxSampleApplicationTests extends SampleServerTestBase {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private SampleClient client;

	@BeforeEach
	void openClient() {
		this.client = new SampleClient(this.port, 8);
	}

	@AfterEach
	void closeClient() {
		this.client.close();
	}

	@Test
	void helloIsSmallJson() {
		ResponseEntity<Map<String, Object>> hello = get("/api/hello").toEntity(JSON).block();
		assertThat(hello.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
		assertThat(hello.getBody()).containsExactlyInAnyOrderEntriesOf(
				Map.of("message", "hello", "service", "posm-webflux-sample"));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 250, 251, 65535, 65536, 65537, 1_000_003 })
	void bytesAreThePayloadToTheLastByte(int size) {
		ResponseEntity<byte[]> bytes = get("/api/bytes?size=" + size).toEntity(byte[].class).block();
		byte[] body = (bytes.getBody() != null) ? bytes.getBody() : new byte[0];
		assertThat(bytes.getHeaders().getContentLength()).isEqualTo(size);
		assertThat(body).hasSize(size);
		assertThat(Payloads.firstWrongPayloadByte(body)).isEqualTo(-1);
	}

	@Test
	void bytesAreSixtyFourKibibytesByDefault() {
		byte[] body = get("/api/bytes").bodyToMono(byte[].class).block();
		assertThat(body).hasSize(64 * 1024);
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "16777217", "lots" })
	void badSizeIsRefusedNamingIt(String size) {
		Map<String, Object> problem = badRequest("/api/bytes?size=" + size);
		assertThat(problem).containsEntry("parameter", "size");
		assertThat((String) problem.get("detail")).contains("'size'");
	}

	@Test
	void uploadOfOneHundredMegabytesIsCountedAndDigested() {
		long size = 100L * 1024 * 1024 + 17;
		Digest digest = this.client.webClient()
			.post()
			.uri("/api/upload")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(Payloads.random(size, 42), DataBuffer.class)
			.retrieve()
			.bodyToMono(Digest.class)
			.block(Duration.ofSeconds(120));
		assertThat(digest).isEqualTo(new Digest(size, Payloads.randomSha256(size, 42)));
	}

	@Test
	void emptyUploadIsDigestedToo() {
		Digest digest = this.client.webClient()
			.post()
			.uri("/api/upload")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.retrieve()
			.bodyToMono(Digest.class)
			.block();
		assertThat(digest).isEqualTo(new Digest(0, Payloads.randomSha256(0, 42)));
	}

	@Test
	void downloadIsTheFile() throws IOException {
		byte[] content = new byte[3 * 64 * 1024 + 5];
		new Random(7).nextBytes(content);
		Files.write(files.resolve("report-1.bin"), content);
		ResponseEntity<byte[]> download = get("/api/files/report-1.bin").toEntity(byte[].class).block();
		assertThat(download.getHeaders().getContentLength()).isEqualTo(content.length);
		assertThat(download.getBody()).isEqualTo(content);
	}

	@Test
	void downloadOfANameThatIsNotAPlainFileNameIsRefused() {
		assertThat(badRequest("/api/files/.hidden")).containsEntry("parameter", "name");
		assertThat(badRequest("/api/files/..%2Fpom.xml")).containsEntry("parameter", "name");
	}

	@Test
	void downloadOfWhatIsNotAFileOfTheDirectoryIsNotFound() throws IOException {
		Path outside = Files.createTempFile("outside", ".txt");
		try {
			Files.createSymbolicLink(files.resolve("link-out"), outside);
			Files.createDirectories(files.resolve("a-directory"));
			for (String name : List.of("missing", "link-out", "a-directory")) {
				assertThatExceptionOfType(WebClientResponseException.class)
					.isThrownBy(() -> get("/api/files/" + name).toBodilessEntity().block())
					.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND));
			}
		}
		finally {
			Files.delete(outside);
		}
	}

	@Test
	void eventsAreStreamedOneByOne() {
		List<ServerSentEvent<Map<String, Object>>> events = get("/api/events?count=5&interval=20ms")
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(events).extracting(ServerSentEvent::id).containsExactly("0", "1", "2", "3", "4");
		assertThat(events).extracting(ServerSentEvent::event).containsOnly("tick");
		assertThat(events).extracting((event) -> event.data().get("sequence")).containsExactly(0, 1, 2, 3, 4);
	}

	@ParameterizedTest
	@ValueSource(strings = { "count=0", "count=10001", "interval=0ms", "interval=2m", "interval=soon" })
	void badEventsAreRefusedNamingTheParameter(String query) {
		String parameter = query.substring(0, query.indexOf('='));
		assertThat(badRequest("/api/events?" + query)).containsEntry("parameter", parameter);
	}

	@Test
	void clientRouteFetchesTheBytesThroughTheWebClient() {
		Map<String, Object> fetched = get("/api/client/bytes?size=200000").bodyToMono(JSON).block();
		assertThat(fetched).containsEntry("upstream", "http://127.0.0.1:" + this.port)
			.containsEntry("bytes", 200000)
			.containsEntry("sha256", Payloads.payloadSha256(200000));
	}

	@Test
	void clientRouteRefusesABadSize() {
		assertThat(badRequest("/api/client/bytes?size=-5")).containsEntry("parameter", "size");
	}

	private org.springframework.web.reactive.function.client.WebClient.ResponseSpec get(String uri) {
		return this.client.webClient().get().uri(uri).retrieve();
	}

	private Map<String, Object> badRequest(String uri) {
		ResponseEntity<Map<String, Object>> answer = this.client.webClient()
			.get()
			.uri(uri)
			.exchangeToMono((response) -> response.toEntity(JSON))
			.block();
		assertThat(answer.getStatusCode()).as(uri).isEqualTo(HttpStatus.BAD_REQUEST);
		return answer.getBody();
	}

}
