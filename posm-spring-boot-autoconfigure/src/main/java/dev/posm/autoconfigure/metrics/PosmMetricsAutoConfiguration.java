package dev.posm.autoconfigure.metrics;

import dev.posm.Agents;
import dev.posm.PosmAllocator;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link PosmMetrics}: the meters
 * of every allocator and agent, bound to the application's {@link MeterRegistry}.
 *
 * @author posm
 */
@AutoConfiguration(afterName = { "dev.posm.autoconfigure.PosmAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, Agents.class })
public final class PosmMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PosmMetrics posmMetrics(Agents agents, ObjectProvider<PosmAllocator> allocators) {
		return new PosmMetrics(agents, allocators.orderedStream().toList());
	}

}
