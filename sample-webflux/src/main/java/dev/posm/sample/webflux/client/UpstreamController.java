package dev.posm.sample.webflux.client;

import reactor.core.publisher.Mono;

import dev.posm.sample.webflux.api.BodyDigest;
import dev.posm.sample.webflux.api.BadParameterException;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/client/bytes?size=N}: fetches {@code GET /api/bytes?size=N} from the
 * upstream through the {@code WebClient}, streams the answer through a digest (every
 * buffer released as it is read) and answers with the upstream, the length and the
 * SHA-256 digest. By default the upstream is this service, so one request shows both
 * posm agents: {@code http-server} and {@code http-client}.
 *
 * @author posm
 */
@RestController
class UpstreamController {

	private static final int MAX_SIZE = 16 * 1024 * 1024;

	private final Upstream upstream;

	UpstreamController(Upstream upstream) {
		this.upstream = upstream;
	}

	@GetMapping("/api/client/bytes")
	Mono<Fetched> bytes(@RequestParam(defaultValue = "65536") int size) {
		if (size < 0 || size > MAX_SIZE) {
			throw new BadParameterException("size", size, "a number of bytes from 0 to " + MAX_SIZE);
		}
		return BodyDigest
			.of(this.upstream.client().get().uri("/api/bytes?size={size}", size).retrieve().bodyToFlux(DataBuffer.class))
			.map((digest) -> new Fetched(this.upstream.baseUrl().toString(), digest.bytes(), digest.sha256()));
	}

	/**
	 * The answer.
	 *
	 * @param upstream the base URL of the service called
	 * @param bytes how many bytes it sent
	 * @param sha256 their SHA-256 digest in lowercase hex
	 */
	record Fetched(String upstream, long bytes, String sha256) {

	}

}
