package dev.posm.autoconfigure.metrics;

import dev.posm.autoconfigure.actuate.WorkloadApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The posm meters as Prometheus scrapes them, over real HTTP, after the
 * {@link WorkloadApplication} workload.
 *
 * @author posm
 */
@SpringBootTest(classes = WorkloadApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=posm,prometheus")
@AutoConfigureRestTestClient
class PosmMetricsPrometheusWebTests {

	@Autowired
	private RestTestClient client;

	@Test
	void prometheusScrapesTheSameNumbersAsTheEndpoint() {
		String scrape = this.client.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();
		assertThat(scrape).contains("# HELP posm_allocations_total POSMs handed out by the allocator")
			.contains("# TYPE posm_allocations_total counter")
			.contains("posm_allocations_total{allocator=\"big-io\",outcome=\"recycled\"} 1.0")
			.contains("posm_allocations_total{allocator=\"big-io\",outcome=\"fresh\"} 2.0")
			.contains("posm_allocations_total{allocator=\"default\",outcome=\"fresh\"} 1.0")
			.contains("posm_releases_total{allocator=\"big-io\"} 2.0")
			.contains("posm_reclaimed_total{allocator=\"big-io\"} 1.0")
			.contains("posm_leaks_total{agent=\"none\",allocator=\"big-io\"} 0.0")
			.contains("posm_leaks_total{agent=\"relay\",allocator=\"big-io\"} 0.0")
			.contains("posm_leaks_total{agent=\"uploads\",allocator=\"default\"} 0.0")
			.contains("posm_memory_used_bytes{allocator=\"big-io\"} 0.0")
			.contains("posm_memory_peak_bytes{allocator=\"big-io\"} 4096.0")
			.contains("posm_memory_retained_bytes{allocator=\"default\"} 1024.0")
			.contains("posm_agent_operations_total{agent=\"relay\",outcome=\"success\"} 2.0")
			.contains("posm_agent_operations_total{agent=\"relay\",outcome=\"error\"} 1.0")
			.contains("posm_agent_active{agent=\"relay\"} 0.0")
			.contains("posm_agent_memory_used_bytes{agent=\"relay\"} 0.0")
			.contains("posm_agent_open{agent=\"uploads\"} 1.0");
	}

}
