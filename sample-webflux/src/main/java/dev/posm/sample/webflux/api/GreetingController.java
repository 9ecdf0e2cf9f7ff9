package dev.posm.sample.webflux.api;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/hello}: a small JSON answer, the bench's request of the kind most
 * services serve most.
 *
 * @author posm
 */
@RestController
class GreetingController {

	private static final Greeting GREETING = new Greeting("hello", "posm-webflux-sample");

	@GetMapping("/api/hello")
	Mono<Greeting> hello() {
		return Mono.just(GREETING);
	}

	/**
	 * The answer.
	 *
	 * @param message always {@code hello}
	 * @param service the service that answered
	 */
	record Greeting(String message, String service) {

	}

}
