package dev.posm.sample.webflux.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters the WebFlux bench reads measure what they say: heap allocated, and peaks of
 * direct memory that stay after the memory is gone.
 *
 * @author posm
 */
class BenchMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void heapAllocatedGrowsByWhatAThreadAllocates() {
		new HeapAllocationMetrics().bindTo(this.registry);
		double before = this.registry.get("sample.heap.allocated").gauge().value();
		byte[][] kept = new byte[10][];
		for (int i = 0; i < kept.length; i++) {
			kept[i] = new byte[1024 * 1024];
		}
		double after = this.registry.get("sample.heap.allocated").gauge().value();
		assertThat(kept[kept.length - 1]).hasSize(1024 * 1024);
		assertThat(after - before).isGreaterThanOrEqualTo(10.0 * 1024 * 1024);
	}

	@Test
	void directPeakKeepsTheMostHeldAtOnce() {
		DirectMemoryPeaks peaks = new DirectMemoryPeaks(() -> 42);
		peaks.bindTo(this.registry);
		peaks.start();
		try {
			ByteBuffer held = ByteBuffer.allocateDirect(8 * 1024 * 1024);
			long used = direct().getMemoryUsed();
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(jdkPeak()).isGreaterThanOrEqualTo(used));
			assertThat(held.capacity()).isEqualTo(8 * 1024 * 1024);
			assertThat(jdkPeak()).as("a second read does not lower it").isGreaterThanOrEqualTo(used);
		}
		finally {
			peaks.stop();
		}
		assertThat(peaks.isRunning()).isFalse();
		assertThat(this.registry.get("sample.direct.memory.peak").tag("counter", "posm").gauge().value()).isEqualTo(42);
	}

	private double jdkPeak() {
		return this.registry.get("sample.direct.memory.peak").tag("counter", "jdk").gauge().value();
	}

	private static BufferPoolMXBean direct() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> "direct".equals(pool.getName()))
			.findFirst()
			.orElseThrow();
	}

}
