package dev.posm.sample.relay;

import java.util.UUID;

import dev.posm.sample.EnabledWithDocker;
import dev.posm.sample.relay.PosmView.AgentView;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay in front of Redis 7 in a container, where Docker is available; elsewhere
 * this class is skipped with one INFO line (no ERROR) and {@link RelayRedisTests} runs
 * the same traffic against the {@code redis-server} binary.
 *
 * @author posm
 */
@EnabledWithDocker(otherwise = "RelayRedisTests")
@Testcontainers
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.relay.port=0", "management.server.port=0" })
class RelayRedisContainerTests {

	@Container
	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = new GenericContainer<>("redis:7").withExposedPorts(6379);

	@Autowired
	private RelayServer relay;

	@Autowired
	private StringRedisTemplate template;

	@LocalManagementPort
	private int managementPort;

	@DynamicPropertySource
	static void upstream(DynamicPropertyRegistry registry) {
		registry.add("sample.relay.upstream", () -> redis.getHost() + ":" + redis.getMappedPort(6379));
	}

	@Test
	void relaysPipelinedCommandsOfSeveralConnections() {
		RedisTraffic traffic = new RedisTraffic("127.0.0.1", this.relay.getPort(), "container-" + UUID.randomUUID());
		traffic.run(4, 1500, 250);
		assertThat(this.template.opsForValue().get(traffic.key(3, 1499))).isEqualTo(traffic.value(3, 1499));
		AgentView relay = PosmView.awaitIdle(this.managementPort, RelayServer.AGENT);
		assertThat(relay.reclaimed()).isZero();
		assertThat(relay.recycled()).isPositive();
		assertThat(relay.peakBytesInUse()).as("the most one relay agent (one connection) held at once")
			.isEqualTo(64 * 1024);
	}

}
