package dev.posm.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.Operation;
import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.actuate.WorkloadApplication;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PosmMetrics} against a {@link SimpleMeterRegistry}.
 *
 * @author posm
 */
class PosmMetricsTests {

	private final PosmAllocator defaultAllocator = Allocators.recycling("default").build();

	private final PosmAllocator bigIo = Allocators.pooled("big-io").build();

	private final Agents agents = Agents.builder(this.defaultAllocator).allocator("relay", this.bigIo).build();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.registry.close();
		this.defaultAllocator.close();
		this.bigIo.close();
	}

	@Test
	void metersEqualTheStatsAfterAKnownWorkload() {
		bind();
		WorkloadApplication.run(this.agents, this.defaultAllocator);
		assertAllocatorMetersEqualStats(this.bigIo);
		assertAllocatorMetersEqualStats(this.defaultAllocator);
		assertAgentMetersEqualStats(this.agents.agent("relay"));
		assertAgentMetersEqualStats(this.agents.agent("uploads"));
		// and the numbers the workload is known for
		assertThat(counter("posm.allocations", "allocator", "big-io", "outcome", "recycled")).isEqualTo(1);
		assertThat(counter("posm.allocations", "allocator", "big-io", "outcome", "fresh")).isEqualTo(2);
		assertThat(counter("posm.releases", "allocator", "big-io")).isEqualTo(2);
		assertThat(counter("posm.reclaimed", "allocator", "big-io")).isEqualTo(1);
		assertThat(leaks("allocator", "big-io")).isZero();
		assertThat(gauge("posm.memory.peak", "allocator", "big-io")).isEqualTo(WorkloadApplication.PAGE);
		assertThat(gauge("posm.memory.retained", "allocator", "default")).isEqualTo(1024);
		assertThat(counter("posm.agent.operations", "agent", "relay", "outcome", "success")).isEqualTo(2);
		assertThat(counter("posm.agent.operations", "agent", "relay", "outcome", "error")).isEqualTo(1);
		assertThat(gauge("posm.agent.open", "agent", "uploads")).isEqualTo(1);
	}

	@Test
	void metersReadLiveState() {
		bind();
		PosmAllocator allocator = this.bigIo;
		assertThat(gauge("posm.memory.used", "allocator", "big-io")).isZero();
		try (var posm = allocator.allocate(3000)) {
			assertThat(gauge("posm.memory.used", "allocator", "big-io")).isEqualTo(4096);
			assertThat(counter("posm.allocations", "allocator", "big-io", "outcome", "fresh")).isEqualTo(1);
		}
		assertThat(gauge("posm.memory.used", "allocator", "big-io")).isZero();
		assertThat(gauge("posm.memory.retained", "allocator", "big-io")).isEqualTo(4096);
		allocator.trim();
		assertThat(gauge("posm.memory.retained", "allocator", "big-io")).isZero();
		assertAllocatorMetersEqualStats(allocator);
	}

	@Test
	void agentFirstUsedAfterBindingGetsItsMeters() {
		bind();
		assertThat(this.registry.find("posm.agent.active").tag("agent", "late").gauge()).isNull();
		Agent late = this.agents.agent("late");
		try (Operation operation = late.begin()) {
			operation.allocate(2048);
			assertThat(gauge("posm.agent.active", "agent", "late")).isEqualTo(1);
			assertThat(gauge("posm.agent.memory.used", "agent", "late")).isEqualTo(2048);
		}
		assertAgentMetersEqualStats(late);
		assertThat(counter("posm.agent.operations", "agent", "late", "outcome", "success")).isEqualTo(1);
	}

	@Test
	void agentsOpenedUnderOneNameShareOneMeterSet() {
		bind();
		List<Agent> connections = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Agent connection = this.agents.open("connection");
			connections.add(connection);
			try (Operation operation = connection.begin()) {
				operation.allocate(512);
			}
		}
		assertThat(this.registry.find("posm.agent.operations").tag("agent", "connection").functionCounters())
			.hasSize(2);
		assertThat(this.registry.find("posm.agent.active").tag("agent", "connection").gauges()).hasSize(1);
		assertThat(counter("posm.agent.operations", "agent", "connection", "outcome", "success")).isEqualTo(3);
		assertThat(gauge("posm.agent.open", "agent", "connection")).isEqualTo(3);
		// each opened agent keeps the block its operation left behind
		assertThat(gauge("posm.agent.memory.cached", "agent", "connection")).isEqualTo(3 * 512);
		connections.forEach(Agent::close);
		assertThat(gauge("posm.agent.open", "agent", "connection")).isZero();
		assertThat(gauge("posm.agent.memory.cached", "agent", "connection")).isZero();
	}

	@Test
	void allocatorOfAnAgentIsBoundWhenTheAgentAppears() {
		bind();
		PosmAllocator adHoc = Allocators.unpooled("ad-hoc").build();
		Agent agent = this.agents.agent("ad-hoc-user", adHoc);
		try (Operation operation = agent.begin()) {
			operation.allocate(100).release();
		}
		assertThat(counter("posm.allocations", "allocator", "ad-hoc", "outcome", "fresh")).isEqualTo(1);
		assertThat(counter("posm.releases", "allocator", "ad-hoc")).isEqualTo(1);
	}

	@Test
	void operationsCountCompletedOnes() {
		bind();
		Agent agent = this.agents.agent("worker");
		Operation running = agent.begin();
		assertThat(counter("posm.agent.operations", "agent", "worker", "outcome", "success")).isZero();
		assertThat(gauge("posm.agent.active", "agent", "worker")).isEqualTo(1);
		Operation failing = agent.begin();
		failing.markFailed();
		failing.close();
		assertThat(counter("posm.agent.operations", "agent", "worker", "outcome", "error")).isEqualTo(1);
		assertThat(counter("posm.agent.operations", "agent", "worker", "outcome", "success")).isZero();
		running.close();
		assertThat(counter("posm.agent.operations", "agent", "worker", "outcome", "success")).isEqualTo(1);
		assertThat(gauge("posm.agent.active", "agent", "worker")).isZero();
	}

	@Test
	void leaksAreCountedByTheAgentNameThatTookThem() {
		bind();
		try (Agent connection = this.agents.open("uploads")) {
			takeAndDrop(connection);
			takeAndDrop(connection);
		}
		dropOutsideAnyAgent(this.bigIo);
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
			System.gc();
			return this.defaultAllocator.leaks() == 2 && this.bigIo.leaks() == 1;
		});
		assertThat(counter("posm.leaks", "allocator", "default", "agent", "uploads")).isEqualTo(2);
		assertThat(counter("posm.leaks", "allocator", "default", "agent", "none")).isZero();
		assertThat(counter("posm.leaks", "allocator", "big-io", "agent", "none")).isEqualTo(1);
		assertThat(leaks("allocator", "default")).isEqualTo(2);
		// one set of tag keys for the name, as Prometheus needs
		assertThat(this.registry.find("posm.leaks").functionCounters())
			.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting(Tag::getKey)
				.containsExactlyInAnyOrder("allocator", "agent"));
	}

	private static void takeAndDrop(Agent agent) {
		agent.allocate(100).buffer().put(0, (byte) 1);
	}

	private static void dropOutsideAnyAgent(PosmAllocator allocator) {
		allocator.allocate(100).buffer().put(0, (byte) 1);
	}

	@Test
	void everyMeterHasADescriptionAndByteGaugesHaveTheirUnit() {
		bind();
		WorkloadApplication.run(this.agents, this.defaultAllocator);
		List<Meter> meters = this.registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("posm."))
			.toList();
		// 8 per allocator, 8 per agent name
		assertThat(meters).hasSize(2 * 8 + 2 * 8);
		assertThat(meters).allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank());
		assertThat(meters).filteredOn((meter) -> meter.getId().getName().contains(".memory."))
			.hasSize(2 * 3 + 2 * 2)
			.allSatisfy((meter) -> assertThat(meter.getId().getBaseUnit()).isEqualTo("bytes"));
	}

	@Test
	void successCounterNeverGoesDownNorRunsAheadUnderConcurrency() throws InterruptedException {
		bind();
		Agent agent = this.agents.agent("busy");
		// incremented before an operation that will succeed completes: an upper bound at every instant
		AtomicLong completing = new AtomicLong();
		AtomicBoolean stop = new AtomicBoolean();
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			Thread worker = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (!stop.get()) {
					Operation operation = agent.begin();
					operation.allocate(random.nextInt(1, 5000));
					boolean fails = random.nextInt(4) == 0;
					if (fails) {
						operation.markFailed();
					}
					else {
						completing.incrementAndGet();
					}
					operation.close();
				}
			});
			worker.start();
			workers.add(worker);
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(1000, stressMillis()));
		double previous = 0;
		long reads = 0;
		while (System.nanoTime() < deadline) {
			double success = counter("posm.agent.operations", "agent", "busy", "outcome", "success");
			long bound = completing.get();
			assertThat(success).as("success counter after %d reads", reads).isGreaterThanOrEqualTo(previous);
			assertThat(success).as("success counter after %d reads", reads).isLessThanOrEqualTo(bound);
			previous = success;
			reads++;
		}
		stop.set(true);
		for (Thread worker : workers) {
			worker.join();
		}
		AgentStats stats = agent.stats();
		assertThat(reads).isPositive();
		assertThat(counter("posm.agent.operations", "agent", "busy", "outcome", "success"))
			.isEqualTo(completing.get())
			.isEqualTo(stats.operations() - stats.failedOperations());
		assertThat(counter("posm.agent.operations", "agent", "busy", "outcome", "error"))
			.isEqualTo(stats.failedOperations());
		assertThat(gauge("posm.agent.memory.used", "agent", "busy")).isZero();
	}

	private static long stressMillis() {
		return TimeUnit.SECONDS.toMillis(Long.getLong("stress.seconds", 2));
	}

	private void bind() {
		new PosmMetrics(this.agents, List.of(this.defaultAllocator, this.bigIo)).bindTo(this.registry);
	}

	private void assertAllocatorMetersEqualStats(PosmAllocator allocator) {
		String name = allocator.name();
		AllocatorStats stats = allocator.stats();
		assertThat(counter("posm.allocations", "allocator", name, "outcome", "recycled")).isEqualTo(stats.recycled());
		assertThat(counter("posm.allocations", "allocator", name, "outcome", "fresh")).isEqualTo(stats.fresh());
		assertThat(counter("posm.releases", "allocator", name)).isEqualTo(stats.releases());
		assertThat(counter("posm.reclaimed", "allocator", name)).isEqualTo(stats.reclaimed());
		assertThat(leaks("allocator", name)).isEqualTo(allocator.leaks());
		assertThat(gauge("posm.memory.used", "allocator", name)).isEqualTo(stats.bytesInUse());
		assertThat(gauge("posm.memory.peak", "allocator", name)).isEqualTo(stats.peakBytesInUse());
		assertThat(gauge("posm.memory.retained", "allocator", name)).isEqualTo(stats.retainedBytes());
	}

	private void assertAgentMetersEqualStats(Agent agent) {
		String name = agent.name();
		AgentStats stats = agent.stats();
		assertThat(counter("posm.agent.operations", "agent", name, "outcome", "success"))
			.isEqualTo(stats.operations() - stats.activeOperations() - stats.failedOperations());
		assertThat(counter("posm.agent.operations", "agent", name, "outcome", "error"))
			.isEqualTo(stats.failedOperations());
		assertThat(gauge("posm.agent.active", "agent", name)).isEqualTo(stats.activeOperations());
		assertThat(gauge("posm.agent.memory.used", "agent", name)).isEqualTo(stats.bytesInUse());
		assertThat(gauge("posm.agent.open", "agent", name)).isEqualTo(this.agents.openCount(name));
		assertThat(counter("posm.leaks", "agent", name, "allocator", agent.allocator().name()))
			.isEqualTo(this.agents.leaks(name));
	}

	private double counter(String name, String... tags) {
		return this.registry.get(name).tags(tags).functionCounter().count();
	}

	/**
	 * Return the leaks of every series of {@code posm.leaks} with the given tags: one per
	 * agent name, and {@code agent=none} for POSMs that no agent took.
	 */
	private double leaks(String... tags) {
		return this.registry.find("posm.leaks").tags(tags).functionCounters().stream()
			.mapToDouble(FunctionCounter::count)
			.sum();
	}

	private double gauge(String name, String... tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

}
