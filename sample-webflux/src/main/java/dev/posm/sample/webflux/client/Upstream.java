package dev.posm.sample.webflux.client;

import java.net.URI;
import java.util.function.Supplier;

import dev.posm.sample.webflux.WebFluxSampleProperties;

import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The service the client route calls, and the {@link WebClient} that calls it, made from
 * the auto-configured {@link WebClient.Builder} (its connections are posm's
 * {@code http-client} agents). Without {@code sample.webflux.upstream.base-url} it is
 * this service itself, whose port is known only once its server has started: the client
 * is made on first use.
 *
 * @author posm
 */
public class Upstream {

	private final Supplier<URI> baseUrl;

	private final Supplier<WebClient> client;

	/**
	 * Create the upstream.
	 * @param builder the auto-configured builder
	 * @param properties the properties naming the upstream, if any
	 * @param environment where the server's own port is found
	 */
	public Upstream(WebClient.Builder builder, WebFluxSampleProperties properties, Environment environment) {
		URI configured = properties.getUpstream().getBaseUrl();
		this.baseUrl = SingletonSupplier.of(() -> (configured != null) ? configured
				: URI.create("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port")));
		this.client = SingletonSupplier.of(() -> builder.clone().baseUrl(this.baseUrl.get().toString()).build());
	}

	/**
	 * Return the base URL of the upstream.
	 * @return the base URL
	 */
	public URI baseUrl() {
		return this.baseUrl.get();
	}

	/**
	 * Return the client that calls the upstream.
	 * @return the client, its base URL set
	 */
	public WebClient client() {
		return this.client.get();
	}

}
