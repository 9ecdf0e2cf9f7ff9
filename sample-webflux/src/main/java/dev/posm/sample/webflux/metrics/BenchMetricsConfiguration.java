package dev.posm.sample.webflux.metrics;

import dev.posm.Agents;
import dev.posm.PosmAllocator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The meters the WebFlux load bench reads besides Boot's and posm's own.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
class BenchMetricsConfiguration {

	@Bean
	HeapAllocationMetrics heapAllocationMetrics() {
		return new HeapAllocationMetrics();
	}

	@Bean
	DirectMemoryPeaks directMemoryPeaks(ObjectProvider<PosmAllocator> allocators, ObjectProvider<Agents> agents) {
		return new DirectMemoryPeaks(new PosmDirectMemory(allocators, agents));
	}

}
