package dev.posm.starter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.context.OperationTaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A minimal application that has nothing but the starter and {@code application.yml}.
 *
 * @author posm
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class StarterApplicationTests {

	@Autowired
	private RelayService relay;

	@Autowired
	private ChecksumService checksum;

	@Autowired
	private Agents agents;

	@Autowired
	@Qualifier("big-io")
	private PosmAllocator bigIo;

	@Autowired
	private OperationTaskDecorator taskDecorator;

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

	@Test
	void workThatLeftItsOperationBehindIsToldInTheApplicationsLog(CapturedOutput output) throws Exception {
		Agent agent = this.agents.find("checksum").orElseThrow();
		for (int i = 0; i < 2; i++) {
			assertThat(this.checksum.checksumOnTheCommonPool(new byte[] { 1, 2, 3 }).get(10, TimeUnit.SECONDS)).isEqualTo(6);
		}
		// through Spring Boot's logging, once, with the logger, the agent and the fix
		String warning = "found no current operation on thread";
		assertThat(output.getAll()).containsOnlyOnce(warning)
			.contains("WARN")
			.contains("dev.posm.misuse")
			.contains("the operation of agent 'checksum' completes")
			.contains("Posms.supplyAsync(..)");
		assertThat(agent.stats().operations()).isEqualTo(2);
		assertThat(agent.stats().allocations()).isZero();
	}

	@SpringBootApplication
	static class RelayApplication {

		@Bean
		RelayService relayService(@Qualifier("applicationTaskExecutor") Executor executor) {
			return new RelayService(executor);
		}

		@Bean
		ChecksumService checksumService() {
			return new ChecksumService();
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

	@AsyncAgent("checksum")
	static class ChecksumService {

		// the mistake: the JDK's own supplyAsync leaves the operation behind
		public CompletableFuture<Integer> checksumOnTheCommonPool(byte[] data) {
			return CompletableFuture.supplyAsync(() -> {
				try (Posm copy = Posms.allocate(data.length)) {
					copy.buffer().put(data).flip();
					int sum = 0;
					while (copy.buffer().hasRemaining()) {
						sum += copy.buffer().get();
					}
					return sum;
				}
			});
		}

	}

}
