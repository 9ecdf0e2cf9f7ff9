package dev.posm.autoconfigure.netty;

import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.web.server.WebExceptionHandler;

import dev.posm.Agents;
import dev.posm.LeakDetection;
import dev.posm.autoconfigure.PosmProperties;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for Reactor Netty on posm: every
 * connection of Spring Boot's Reactor Netty server ({@code posm.netty.server.*}) and of
 * the Reactor Netty client behind {@code WebClient} and {@code RestClient}
 * ({@code posm.netty.client.*}) gets an opened agent of its own as its allocator.
 *
 * @author posm
 */
@AutoConfiguration(afterName = "dev.posm.autoconfigure.PosmAutoConfiguration")
@ConditionalOnClass(name = "io.netty.buffer.ByteBufAllocator")
@ConditionalOnBean(Agents.class)
@EnableConfigurationProperties(PosmProperties.class)
@ImportRuntimeHints(PosmNettyRuntimeHints.class)
public final class PosmNettyAutoConfiguration {

	private static boolean attributed(PosmProperties properties) {
		return properties.getLeakDetection() != LeakDetection.DISABLED;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnBooleanProperty(name = "posm.netty.server.enabled", matchIfMissing = true)
	static class ServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PosmNettyServerCustomizer posmNettyServerCustomizer(Agents agents, PosmProperties properties) {
			return new PosmNettyServerCustomizer(agents, properties.getNetty().getServer().getAgent(),
					attributed(properties));
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnClass(WebExceptionHandler.class)
		PosmBudgetExceptionHandler posmBudgetExceptionHandler() {
			return new PosmBudgetExceptionHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HttpClient.class)
	@ConditionalOnBooleanProperty(name = "posm.netty.client.enabled", matchIfMissing = true)
	static class ClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PosmHttpClientCustomizer posmHttpClientCustomizer(Agents agents, PosmProperties properties) {
			return new PosmHttpClientCustomizer(agents, properties.getNetty().getClient().getAgent(),
					attributed(properties));
		}

		// the clients Spring Boot builds: WebClient's connector, RestClient's request factory
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(ReactorClientHttpConnectorBuilder.class)
		static class BuiltClientsConfiguration {

			@Bean
			ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> posmClientHttpConnectorBuilderCustomizer(
					PosmHttpClientCustomizer customizer) {
				return (builder) -> builder.withHttpClientCustomizer(customizer);
			}

			@Bean
			ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder> posmClientHttpRequestFactoryBuilderCustomizer(
					PosmHttpClientCustomizer customizer) {
				return (builder) -> builder.withHttpClientCustomizer(customizer);
			}

		}

	}

}
