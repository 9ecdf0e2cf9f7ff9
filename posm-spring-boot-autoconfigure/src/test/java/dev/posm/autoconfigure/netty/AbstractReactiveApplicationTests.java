package dev.posm.autoconfigure.netty;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

import dev.posm.AllocatorStats;
import dev.posm.Agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the {@link ReactiveApplication} on a random port, with a real
 * {@code WebClient} built by Spring Boot (so on posm too). After each test the
 * clients' connections are closed, and then no agent of either side is open or holds
 * memory, and the allocator balances. Those that must leak nothing also run the
 * {@code PosmLeakExtension}.
 *
 * @author posm
 */
@Timeout(60)
abstract class AbstractReactiveApplicationTests {

	/** The agent name of the server's connections. */
	static final String SERVER = "http-server";

	/** The agent name of the client's connections. */
	static final String CLIENT = "http-client";

	@LocalServerPort
	private int port;

	@Autowired
	private WebClient.Builder builder;

	@Autowired
	private ReactorResourceFactory resources;

	@Autowired
	protected Agents agents;

	protected WebClient client;

	@BeforeEach
	void buildClient() {
		this.client = client(this.port);
	}

	@AfterEach
	void nothingHeldOnceTheClientsClose() {
		this.resources.getConnectionProvider().disposeLater().block(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.agents.openCount(SERVER) + this.agents.openCount(CLIENT) == 0);
		for (String name : List.of(SERVER, CLIENT)) {
			long bytesInUse = this.agents.find(name).map((agent) -> agent.stats().bytesInUse()).orElse(0L);
			assertThat(bytesInUse).as("bytes in use by %s", name).isZero();
		}
		AllocatorStats allocator = this.agents.defaultAllocator().stats();
		assertThat(allocator.allocations()).isEqualTo(allocator.releases() + allocator.reclaimed());
		assertThat(allocator.bytesInUse()).isZero();
	}

	/**
	 * Return a client of the application's pool for a server on the given port.
	 * @param port the port
	 * @return a client
	 */
	protected WebClient client(int port) {
		return this.builder.baseUrl("http://localhost:" + port).build();
	}

	/**
	 * Return the port of the application.
	 * @return the port
	 */
	protected int port() {
		return this.port;
	}

}
