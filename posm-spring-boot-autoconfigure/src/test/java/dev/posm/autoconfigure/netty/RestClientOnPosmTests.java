package dev.posm.autoconfigure.netty;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

import dev.posm.Agents;
import dev.posm.autoconfigure.PosmAutoConfiguration;
import dev.posm.test.LeakCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code RestClient} on Reactor Netty, built by Spring Boot: its connections are agents
 * of {@code http-client} too. The server is a real Reactor Netty server (without posm)
 * that closes each connection after its response, as a server may.
 *
 * @author posm
 */
class RestClientOnPosmTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, PosmNettyAutoConfiguration.class,
				HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
				RestClientAutoConfiguration.class))
		.withPropertyValues("spring.http.clients.imperative.factory=reactor");

	@Test
	void restClientConnectionsAreAgents() {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/hello",
					(request, response) -> response.keepAlive(false).sendString(Mono.just("hello " + request.uri()))))
			.bindNow(Duration.ofSeconds(10));
		try {
			this.runner.run((context) -> {
				Agents agents = context.getBean(Agents.class);
				LeakCheck leaks = LeakCheck.start(agents);
				RestClient client = context.getBean(RestClient.Builder.class)
					.baseUrl("http://127.0.0.1:" + server.port())
					.build();
				for (int i = 0; i < 5; i++) {
					assertThat(client.get().uri("/hello").retrieve().body(String.class)).isEqualTo("hello /hello");
				}
				assertThat(agents.find("http-client")).hasValueSatisfying(
						(agent) -> assertThat(agent.stats().allocations()).isGreaterThanOrEqualTo(5));
				// the server closed every connection: their agents are closed too
				await().atMost(Duration.ofSeconds(10)).until(() -> agents.openCount("http-client") == 0);
				leaks.assertNoLeaks();
			});
		}
		finally {
			server.disposeNow(Duration.ofSeconds(10));
		}
	}

}
