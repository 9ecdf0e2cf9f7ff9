package dev.posm.aottests;

import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Calls the application's own greeting with a {@link WebClient} built by Spring Boot,
 * whose Reactor Netty connections are agents of {@code http-client}.
 *
 * @author posm
 */
@RestController
class RelayController {

	private final WebClient.Builder webClient;

	RelayController(WebClient.Builder webClient) {
		this.webClient = webClient;
	}

	@GetMapping("/relay")
	String relay(@RequestParam String name, HttpServletRequest request) {
		return this.webClient.build()
			.get()
			.uri("http://127.0.0.1:{port}/greet?name={name}", request.getLocalPort(), name)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

}
