package dev.posm.sample.checksum;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.sample.SampleApplicationTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checksum API over real HTTP: digests equal to {@link MessageDigest}'s, and every
 * way out of the root refused.
 *
 * @author posm
 */
class ChecksumApplicationTests extends SampleApplicationTestBase {

	@LocalServerPort
	private int port;

	@Autowired
	private Agents agents;

	private RestTestClient client;

	@BeforeEach
	void client() {
		this.client = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void digestsTheRequestBody() {
		byte[] body = randomBytes(1_000_000, 2);
		assertThat(post(body)).isEqualTo(sha256(body));
		assertThat(post(new byte[0])).isEqualTo(sha256(new byte[0]));
		// what curl --data-binary sends by default: the body must not be taken as a form
		assertThat(post(body, MediaType.APPLICATION_FORM_URLENCODED)).isEqualTo(sha256(body));
		assertNothingHeld();
	}

	@Test
	void digestsAFileUnderTheRoot() {
		assertThat(get("inside/data.bin")).isEqualTo(sha256(DATA));
		assertThat(get(ROOT.resolve("inside/data.bin").toString())).isEqualTo(sha256(DATA));
		assertThat(get("./inside/../inside/data.bin")).isEqualTo(sha256(DATA));
		assertThat(get("inside/empty.txt")).isEqualTo(sha256(new byte[0]));
		assertThat(get("link-in")).isEqualTo(sha256(DATA));
		assertNothingHeld();
	}

	@Test
	void refusesEveryPathOutsideTheRoot() {
		expectStatus("/api/checksum?path=../outside/secret.txt", 403);
		expectStatus("/api/checksum?path=inside/../../outside/secret.txt", 403);
		expectStatus("/api/checksum?path=" + OUTSIDE.resolve("secret.txt"), 403);
		expectStatus("/api/checksum?path=..%2Foutside%2Fsecret.txt", 403);
		expectStatus("/api/checksum?path=%2E%2E/outside/secret.txt", 403);
		expectStatus("/api/checksum?path=link-out", 403);
		expectStatus("/api/checksum?path=/etc/passwd", 403);
		// nothing is told about what is outside: a missing file there is refused alike
		expectStatus("/api/checksum?path=../outside/missing.txt", 403);
	}

	@Test
	void answersMissingFilesAndBadPaths() {
		expectStatus("/api/checksum?path=inside/missing.txt", 404);
		expectStatus("/api/checksum?path=inside", 400);
		expectStatus("/api/checksum?path=", 400);
		expectStatus("/api/checksum", 400);
	}

	private String post(byte[] body) {
		return post(body, MediaType.APPLICATION_OCTET_STREAM);
	}

	private String post(byte[] body, MediaType contentType) {
		return this.client.post()
			.uri("/api/checksum")
			.contentType(contentType)
			.body(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ChecksumController.Checksum.class)
			.returnResult()
			.getResponseBody()
			.digest();
	}

	private String get(String path) {
		return this.client.get()
			.uri((builder) -> builder.path("/api/checksum").queryParam("path", path).build())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ChecksumController.Checksum.class)
			.returnResult()
			.getResponseBody()
			.digest();
	}

	private void expectStatus(String pathAndQuery, int status) {
		// sent as written: the encoded forms must reach the server encoded
		this.client.get()
			.uri(URI.create("http://localhost:" + this.port + pathAndQuery))
			.exchange()
			.expectStatus()
			.isEqualTo(status);
	}

	private void assertNothingHeld() {
		AgentStats stats = this.agents.find("checksum").orElseThrow().stats();
		assertThat(stats.activeOperations()).isZero();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.peakBytesInUse()).isEqualTo(64 * 1024);
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
