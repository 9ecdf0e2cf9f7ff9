package dev.posm.sample.webflux.client;

import java.time.Duration;

import reactor.netty.resources.ConnectionProvider;

import dev.posm.sample.webflux.WebFluxSampleProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The upstream of the client route, and the Reactor Netty resources the server and the
 * {@code WebClient} share: Spring Boot's, but for a connection pool whose idle
 * connections are closed after {@code sample.webflux.upstream.max-idle-time}.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

	@Bean
	ReactorResourceFactory reactorResourceFactory(WebFluxSampleProperties properties) {
		Duration maxIdleTime = properties.getUpstream().getMaxIdleTime();
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.setConnectionProviderSupplier(
				() -> ConnectionProvider.builder("upstream").maxIdleTime(maxIdleTime).build());
		return resources;
	}

	@Bean
	Upstream upstream(WebClient.Builder builder, WebFluxSampleProperties properties, Environment environment) {
		return new Upstream(builder, properties, environment);
	}

}
