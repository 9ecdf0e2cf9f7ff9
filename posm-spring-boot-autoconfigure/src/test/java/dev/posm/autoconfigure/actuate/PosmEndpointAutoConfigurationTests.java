package dev.posm.autoconfigure.actuate;

import java.util.List;

import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PosmEndpointAutoConfiguration}.
 *
 * @author posm
 */
class PosmEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EndpointAutoConfiguration.class, PosmEndpointAutoConfiguration.class));

	@Test
	void endpointWhenExposed() {
		this.runner.withUserConfiguration(PosmBeans.class)
			.withPropertyValues("management.endpoints.web.exposure.include=posm")
			.run((context) -> {
				assertThat(context).hasSingleBean(PosmEndpoint.class);
				PosmEndpoint endpoint = context.getBean(PosmEndpoint.class);
				// the allocator beans, and the one an agent brought along
				assertThat(endpoint.posm().allocators()).containsOnlyKeys("default", "big-io", "private");
				assertThat(endpoint.posm().agents()).containsOnlyKeys("loner");
			});
	}

	@Test
	void noEndpointWhenNotExposed() {
		this.runner.withUserConfiguration(PosmBeans.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmEndpoint.class));
	}

	@Test
	void noEndpointWhenAccessIsNone() {
		// upper case: a bare context runner has no lenient enum conversion, SpringApplication has
		this.runner.withUserConfiguration(PosmBeans.class)
			.withPropertyValues("management.endpoints.web.exposure.include=posm", "management.endpoint.posm.access=NONE")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmEndpoint.class));
	}

	@Test
	void noEndpointWithoutAgents() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=posm")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmEndpoint.class));
	}

	@Test
	void noEndpointWithoutActuator() {
		this.runner.withUserConfiguration(PosmBeans.class)
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=posm")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmEndpoint.class));
	}

	@Test
	void noEndpointWithoutActuatorAutoConfigure() {
		// without that module, Boot's endpoint auto-configuration is absent too
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PosmEndpointAutoConfiguration.class))
			.withUserConfiguration(PosmBeans.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.autoconfigure"))
			.withPropertyValues("management.endpoints.web.exposure.include=posm")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmEndpoint.class));
	}

	@Test
	void backsOffForTheUsersEndpoint() {
		this.runner.withUserConfiguration(PosmBeans.class, UserEndpoint.class)
			.withPropertyValues("management.endpoints.web.exposure.include=posm")
			.run((context) -> assertThat(context).getBean(PosmEndpoint.class)
				.isSameAs(context.getBean(UserEndpoint.class).endpoint));
	}

	@Configuration(proxyBeanMethods = false)
	static class PosmBeans {

		@Bean("default")
		PosmAllocator defaultAllocator() {
			return Allocators.recycling("default").build();
		}

		@Bean("big-io")
		PosmAllocator bigIo() {
			return Allocators.pooled("big-io").build();
		}

		@Bean
		Agents agents(List<PosmAllocator> allocators) {
			PosmAllocator defaultAllocator = allocators.stream()
				.filter((allocator) -> allocator.name().equals("default"))
				.findFirst()
				.orElseThrow();
			Agents agents = Agents.builder(defaultAllocator).build();
			// an agent on an allocator that is not a bean
			agents.agent("loner", Allocators.unpooled("private").build());
			return agents;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpoint {

		final PosmEndpoint endpoint = new PosmEndpoint(new Agents(Allocators.unpooled("mine").build()), List.of());

		@Bean
		PosmEndpoint userPosmEndpoint() {
			return this.endpoint;
		}

	}

}
