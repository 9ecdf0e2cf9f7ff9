package dev.posm.autoconfigure.netty;

import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.posm.Agents;
import dev.posm.autoconfigure.InvalidPosmPropertyException;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PosmNettyAutoConfiguration}: which beans exist with which
 * properties and classpaths.
 *
 * @author posm
 */
class PosmNettyAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, PosmNettyAutoConfiguration.class));

	@Test
	void serverAndClientConnectionsGetAgents() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PosmNettyServerCustomizer.class)
				.hasSingleBean(PosmBudgetExceptionHandler.class)
				.hasSingleBean(PosmHttpClientCustomizer.class)
				.hasBean("posmClientHttpConnectorBuilderCustomizer")
				.hasBean("posmClientHttpRequestFactoryBuilderCustomizer");
			assertThat(context.getBean(PosmNettyServerCustomizer.class).name()).isEqualTo("http-server");
			assertThat(context.getBean(PosmNettyServerCustomizer.class).isAttributed()).isTrue();
			assertThat(context.getBean(PosmHttpClientCustomizer.class).name()).isEqualTo("http-client");
		});
	}

	@Test
	void agentNamesComeFromProperties() {
		this.runner.withPropertyValues("posm.netty.server.agent=web", "posm.netty.client.agent=outbound")
			.run((context) -> {
				assertThat(context.getBean(PosmNettyServerCustomizer.class).name()).isEqualTo("web");
				assertThat(context.getBean(PosmHttpClientCustomizer.class).name()).isEqualTo("outbound");
			});
	}

	@Test
	void requestsAreNotNamedWhereLeaksAreNotLookedFor() {
		this.runner.withPropertyValues("posm.leak-detection=disabled").run((context) -> {
			assertThat(context.getBean(PosmNettyServerCustomizer.class).isAttributed()).isFalse();
			assertThat(context.getBean(PosmHttpClientCustomizer.class).isAttributed()).isFalse();
		});
	}

	@Test
	void serverDisabledLeavesTheClient() {
		this.runner.withPropertyValues("posm.netty.server.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PosmNettyServerCustomizer.class)
				.doesNotHaveBean(PosmBudgetExceptionHandler.class)
				.hasSingleBean(PosmHttpClientCustomizer.class);
		});
	}

	@Test
	void clientDisabledLeavesTheServer() {
		this.runner.withPropertyValues("posm.netty.client.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(PosmNettyServerCustomizer.class)
				.doesNotHaveBean(PosmHttpClientCustomizer.class)
				.doesNotHaveBean(ClientHttpConnectorBuilderCustomizer.class)
				.doesNotHaveBean(ClientHttpRequestFactoryBuilderCustomizer.class);
		});
	}

	@Test
	void nothingWhenPosmIsDisabled() {
		this.runner.withPropertyValues("posm.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(Agents.class)
				.doesNotHaveBean(ConnectionAgents.class)
				.doesNotHaveBean(PosmBudgetExceptionHandler.class);
		});
	}

	@Test
	void nothingWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(HttpServer.class, HttpClient.class)).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Agents.class).doesNotHaveBean(ConnectionAgents.class);
		});
	}

	@Test
	void theClientCustomizerWithoutSpringBootsHttpClientBuilders() {
		this.runner.withClassLoader(new FilteredClassLoader(ReactorClientHttpConnectorBuilder.class))
			.run((context) -> assertThat(context).hasSingleBean(PosmHttpClientCustomizer.class)
				.doesNotHaveBean("posmClientHttpConnectorBuilderCustomizer")
				.doesNotHaveBean("posmClientHttpRequestFactoryBuilderCustomizer"));
	}

	@Test
	void noServerCustomizerOutsideAReactiveWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, PosmNettyAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PosmNettyServerCustomizer.class)
				.hasSingleBean(PosmHttpClientCustomizer.class));
	}

	@Test
	void backsOffForCustomizersOfTheUser() {
		this.runner.withUserConfiguration(UserCustomizers.class).run((context) -> {
			assertThat(context.getBean(PosmNettyServerCustomizer.class).name()).isEqualTo("mine");
			assertThat(context.getBean(PosmHttpClientCustomizer.class).name()).isEqualTo("theirs");
		});
	}

	@Test
	void aBlankAgentNameStopsStartUp() {
		this.runner.withPropertyValues("posm.netty.client.agent= ").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(InvalidPosmPropertyException.class)
				.hasMessageContaining("posm.netty.client.agent")
				.hasMessageContaining("an agent needs a name");
		});
	}

	@Test
	void nettyReadsTheHandlerByReflectionInANativeImage() {
		RuntimeHints hints = new RuntimeHints();
		new PosmNettyRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(BudgetGuard.class)).accepts(hints);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizers {

		@Bean
		PosmNettyServerCustomizer myServerCustomizer(Agents agents) {
			return new PosmNettyServerCustomizer(agents, "mine", false);
		}

		@Bean
		PosmHttpClientCustomizer myClientCustomizer(Agents agents) {
			return new PosmHttpClientCustomizer(agents, "theirs", false);
		}

	}

}
