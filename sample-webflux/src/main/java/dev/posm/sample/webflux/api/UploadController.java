package dev.posm.sample.webflux.api;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/upload}: a body of any length (none too), streamed: every buffer is counted,
 * digested and released as it arrives. The answer is the length and the SHA-256 digest.
 *
 * @author posm
 */
@RestController
class UploadController {

	@PostMapping("/api/upload")
	Mono<BodyDigest.Digest> upload(@RequestBody(required = false) Flux<DataBuffer> body) {
		return BodyDigest.of(body);
	}

}
