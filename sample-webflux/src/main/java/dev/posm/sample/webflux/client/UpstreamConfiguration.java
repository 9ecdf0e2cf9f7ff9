package dev.posm.sample.webflux.client;

import dev.posm.sample.webflux.WebFluxSampleProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The upstream of the client route.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

	@Bean
	Upstream upstream(WebClient.Builder builder, WebFluxSampleProperties properties, Environment environment) {
		return new Upstream(builder, properties, environment);
	}

}
