package dev.posm;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for budgets: {@code max-bytes-in-use} of one agent and
 * {@code max-total-bytes-in-use} of every agent of a name.
 *
 * @author posm
 */
class BudgetTests {

	private final PosmAllocator allocator = Allocators.pooled("budgets").build();

	@AfterEach
	void closeAllocator() {
		this.allocator.close();
	}

	@Test
	void aTakeOverTheAgentsBudgetIsRefusedAndChangesNothingButRefused() {
		Agents agents = Agents.builder(this.allocator).maxBytesInUse("connection", 8192).build();
		Agent connection = agents.open("connection");
		try (Operation operation = connection.begin()) {
			Posm first = operation.allocate(4096);
			Posm second = operation.allocate(4000);
			AllocatorStats before = this.allocator.stats();
			assertThatExceptionOfType(PosmBudgetExceededException.class).isThrownBy(() -> operation.allocate(1))
				.isInstanceOf(IllegalStateException.class)
				.withMessage("Agent 'connection' would exceed max-bytes-in-use (8192 bytes): it holds 8192 bytes "
						+ "and asked for 1 more (a block of 64 bytes). Nothing was taken; release memory, or raise "
						+ "posm.agents.connection.max-bytes-in-use")
				.satisfies((ex) -> {
					assertThat(ex.getBudget()).isEqualTo("max-bytes-in-use");
					assertThat(ex.getHeld()).isEqualTo(8192);
					assertThat(ex.getAsked()).isEqualTo(64);
				});
			assertThat(this.allocator.stats()).isEqualTo(before);
			// what is held stays held and usable
			assertThat(first.buffer().limit()).isEqualTo(4096);
			second.release();
			operation.allocate(4000).release();
		}
		assertThat(connection.stats()).isEqualTo(new AgentStats(1, 0, 0, 3, 1, 1, 0, 8192, 1));
		// each agent has its own budget
		Agent other = agents.open("connection");
		try (Operation operation = other.begin()) {
			operation.allocate(8192);
		}
		connection.close();
		other.close();
	}

	@Test
	void aHugeTakeIsRefusedBeforeAnyMemoryIsTaken() {
		Agents agents = Agents.builder(this.allocator).maxBytesInUse("upload", 1 << 20).build();
		Agent upload = agents.agent("upload");
		assertThatExceptionOfType(PosmBudgetExceededException.class)
			.isThrownBy(() -> upload.allocate(Integer.MAX_VALUE))
			.withMessageContaining("asked for 2147483647 more (a block of 2147483647 bytes)");
		assertThat(this.allocator.stats().allocations()).isZero();
		assertThat(upload.stats().refused()).isEqualTo(1);
	}

	@Test
	void theTotalBudgetOfANameIsNeverExceededByItsAgentsOnManyThreads() throws Exception {
		long total = 256 * 1024;
		Agents agents = Agents.builder(this.allocator).maxTotalBytesInUse("relay", total).build();
		int threads = 8;
		CountDownLatch start = new CountDownLatch(1);
		// every thread holds its first takes until all have taken: the budget is certainly reached once
		CountDownLatch allTookOnce = new CountDownLatch(threads);
		AtomicLong held = new AtomicLong();
		AtomicLong highest = new AtomicLong();
		AtomicLong refused = new AtomicLong();
		Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(new Thread(() -> {
				Agent agent = agents.open("relay");
				try {
					start.await();
					for (int i = 0; i < 3_000; i++) {
						try (Operation operation = agent.begin()) {
							List<Posm> taken = new ArrayList<>();
							for (int k = 0; k < 3; k++) {
								try {
									Posm posm = operation.allocate(16 * 1024);
									taken.add(posm);
									highest.accumulateAndGet(held.addAndGet(posm.capacity()), Math::max);
								}
								catch (PosmBudgetExceededException ex) {
									refused.incrementAndGet();
								}
							}
							if (i == 0) {
								allTookOnce.countDown();
								allTookOnce.await();
							}
							for (Posm posm : taken) {
								held.addAndGet(-posm.capacity());
								posm.release();
							}
						}
					}
				}
				catch (Throwable ex) {
					errors.add(ex);
				}
				finally {
					agent.close();
				}
			}));
		}
		workers.forEach(Thread::start);
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		assertThat(errors).isEmpty();
		// 8 threads x 3 x 16 KiB = 384 KiB asked at most, 256 KiB allowed
		assertThat(highest.get()).isLessThanOrEqualTo(total);
		AgentStats stats = agents.agent("relay").stats();
		assertThat(stats.refused()).isEqualTo(refused.get()).isPositive();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.allocations()).isEqualTo(threads * 3_000L * 3 - refused.get());
		// every lease of the budget came back with the agents
		Agent later = agents.open("relay");
		try (Operation operation = later.begin()) {
			for (int k = 0; k < 16; k++) {
				operation.allocate(16 * 1024);
			}
		}
		later.close();
	}

	@Test
	void budgetsMustBePositive() {
		Agents.Builder builder = Agents.builder(this.allocator);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxBytesInUse("a", 0))
			.withMessage("maxBytesInUse must be positive, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxTotalBytesInUse("a", -1))
			.withMessage("maxTotalBytesInUse must be positive, was -1");
	}

}
