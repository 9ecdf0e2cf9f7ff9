package dev.posm.sample.webflux;

import java.time.Duration;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A real {@link WebClient} on Reactor Netty with a connection pool of its own, so that
 * closing it really closes every connection it opened (the server then sees each one
 * end).
 *
 * @author posm
 */
final class SampleClient implements AutoCloseable {

	private final ConnectionProvider connections;

	private final WebClient client;

	/**
	 * Open a client of the sample's API.
	 * @param port the server port
	 * @param maxConnections the most connections the client keeps open at once
	 */
	SampleClient(int port, int maxConnections) {
		this.connections = ConnectionProvider.builder("sample-client")
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			// closed before the server's idle timeout could close it under a new request
			.maxIdleTime(Duration.ofSeconds(1))
			.build();
		HttpClient http = HttpClient.create(this.connections).responseTimeout(Duration.ofSeconds(60));
		this.client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
			.build();
	}

	WebClient webClient() {
		return this.client;
	}

	@Override
	public void close() {
		this.connections.disposeLater().block(Duration.ofSeconds(30));
	}

}
