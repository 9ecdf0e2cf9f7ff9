package dev.posm.starter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.stereotype.Service;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A minimal application that has nothing but the starter and {@code application.yml}.
 *
 * @author posm
 */
@SpringBootTest
class StarterApplicationTests {

	@Autowired
	private RelayService relay;

	@Autowired
	private Agents agents;

	@Autowired
	@Qualifier("big-io")
	private PosmAllocator bigIo;

	@Autowired
	private ContextPropagatingTaskDecorator taskDecorator;

	@Test
	void annotatedServiceIsAnObservableAgentOnItsConfiguredAllocator() throws Exception {
		Agent agent = this.agents.find("relay").orElseThrow();
		assertThat(agent.allocator()).isSameAs(this.bigIo);
		assertThat(this.taskDecorator).isNotNull();
		for (int i = 0; i < 3; i++) {
			CompletableFuture<Integer> checksum = this.relay.relay(new byte[] { 1, 2, 3, 4 });
			AgentStats inHandler = checksum.thenApply((value) -> agent.stats()).get(10, TimeUnit.SECONDS);
			assertThat(checksum.get()).isEqualTo(10);
			assertThat(inHandler.bytesInUse()).isZero();
		}
		AgentStats stats = agent.stats();
		assertThat(stats.operations()).isEqualTo(3);
		assertThat(stats.allocations()).isEqualTo(6);
		assertThat(stats.reclaimed()).isEqualTo(3);
		assertThat(stats.recycled()).isPositive();
		assertThat(this.bigIo.stats().held()).isZero();
	}

	@SpringBootApplication
	static class RelayApplication {

		@Bean
		RelayService relayService(@Qualifier("applicationTaskExecutor") Executor executor) {
			return new RelayService(executor);
		}

	}

	@Service
	@AsyncAgent("relay")
	static class RelayService {

		private final Executor executor;

		RelayService(Executor executor) {
			this.executor = executor;
		}

		public CompletableFuture<Integer> relay(byte[] data) {
			Posm copy = Posms.allocate(data.length);
			copy.buffer().put(data).flip();
			return CompletableFuture.supplyAsync(() -> {
				// on the executor, in the same operation; this one is forgotten and reclaimed
				Posm scratch = Posms.allocate(64 * 1024);
				scratch.buffer().put(0, (byte) 0);
				int sum = 0;
				while (copy.buffer().hasRemaining()) {
					sum += copy.buffer().get();
				}
				copy.release();
				return sum;
			}, this.executor);
		}

	}

}
