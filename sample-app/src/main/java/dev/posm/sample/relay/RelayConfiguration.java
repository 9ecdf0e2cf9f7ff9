package dev.posm.sample.relay;

import dev.posm.Agents;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of the relay.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RelayProperties.class)
@ConditionalOnBooleanProperty(name = "sample.relay.enabled", matchIfMissing = true)
class RelayConfiguration {

	@Bean
	RelayServer relayServer(RelayProperties properties, Agents agents) {
		return new RelayServer(properties, agents);
	}

	@Bean
	RelayMetrics relayMetrics(RelayServer relayServer) {
		return new RelayMetrics(relayServer);
	}

}
