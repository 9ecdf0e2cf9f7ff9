package dev.posm.autoconfigure.actuate;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.PosmAllocator;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An application with two allocators and the agents on them, which runs a known
 * workload at start-up. The core auto-configuration is excluded: the beans it would
 * make are declared here.
 *
 * @author posm
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = "dev.posm.autoconfigure.PosmAutoConfiguration")
public class WorkloadApplication {

	/** Size of the POSMs of the first two operations of {@code relay}: 4 KiB. */
	public static final int PAGE = 4096;

	@Bean("default")
	PosmAllocator defaultAllocator() {
		return Allocators.recycling("default").build();
	}

	@Bean("big-io")
	PosmAllocator bigIo() {
		return Allocators.pooled("big-io").maxBlockSize(1024 * 1024).maxRetained(8 * 1024 * 1024).build();
	}

	@Bean
	Agents agents(@Qualifier("default") PosmAllocator defaultAllocator, @Qualifier("big-io") PosmAllocator bigIo) {
		return Agents.builder(defaultAllocator).allocator("relay", bigIo).build();
	}

	@Bean
	ApplicationRunner workload(Agents agents, @Qualifier("default") PosmAllocator defaultAllocator) {
		return (arguments) -> run(agents, defaultAllocator);
	}

	/**
	 * Run the workload whose numbers the tests expect.
	 * <ul>
	 * <li>{@code relay} (on {@code big-io}, caching 2 blocks): two operations that take
	 * and release 4 KiB each, the second one served from the first one's block; then a
	 * failed operation that takes 100 bytes (a 128-byte block) and does not release
	 * it.</li>
	 * <li>{@code uploads} (on {@code default}): one agent opened and left open.</li>
	 * <li>{@code default}, outside any agent: 1000 bytes (a 1 KiB block) taken and
	 * released, which the allocator keeps for reuse.</li>
	 * </ul>
	 * @param agents the agents
	 * @param defaultAllocator the default allocator
	 */
	public static void run(Agents agents, PosmAllocator defaultAllocator) {
		Agent relay = agents.agent("relay");
		for (int i = 0; i < 2; i++) {
			try (Operation operation = relay.begin()) {
				Posm page = operation.allocate(PAGE);
				page.buffer().putInt(0, i);
				page.release();
			}
		}
		try (Operation operation = relay.begin()) {
			operation.allocate(100);
			operation.markFailed();
		}
		agents.open("uploads");
		defaultAllocator.allocate(1000).release();
	}

}
