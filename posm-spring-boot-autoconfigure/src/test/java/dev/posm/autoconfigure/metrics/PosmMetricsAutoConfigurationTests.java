package dev.posm.autoconfigure.metrics;

import java.util.List;

import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PosmMetricsAutoConfiguration}.
 *
 * @author posm
 */
class PosmMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				PosmMetricsAutoConfiguration.class));

	@Test
	void bindsTheMetersOfEveryAllocatorAndAgent() {
		this.runner.withUserConfiguration(PosmBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(PosmMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(Agents.class).agent("relay").begin().close();
			assertThat(registry.get("posm.memory.used").tag("allocator", "default").gauge().value()).isZero();
			assertThat(registry.get("posm.memory.used").tag("allocator", "big-io").gauge().value()).isZero();
			assertThat(registry.get("posm.agent.operations")
				.tags("agent", "relay", "outcome", "success")
				.functionCounter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void noBinderWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosmMetricsAutoConfiguration.class))
			.withUserConfiguration(PosmBeans.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmMetrics.class));
	}

	@Test
	void noBinderWithoutAgents() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(MeterRegistry.class)
			.doesNotHaveBean(PosmMetrics.class));
	}

	@Test
	void noBinderWithoutMicrometer() {
		this.runner.withUserConfiguration(PosmBeans.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PosmMetrics.class));
	}

	@Test
	void backsOffForTheUsersBinder() {
		this.runner.withUserConfiguration(PosmBeans.class, UserBinder.class)
			.run((context) -> assertThat(context).getBean(PosmMetrics.class)
				.isSameAs(context.getBean(UserBinder.class).metrics));
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
			return Agents.builder(allocators.get(0)).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBinder {

		final PosmMetrics metrics = new PosmMetrics(new Agents(Allocators.unpooled("mine").build()), List.of());

		@Bean
		PosmMetrics userPosmMetrics() {
			return this.metrics;
		}

	}

}
