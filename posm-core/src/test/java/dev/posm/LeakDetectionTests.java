package dev.posm;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * POSMs dropped without release: found through the garbage collector in
 * {@link LeakDetection#SIMPLE simple} and {@link LeakDetection#PARANOID paranoid} mode,
 * logged with the stack where they were taken in paranoid mode, not counted when
 * disabled.
 *
 * @author posm
 */
class LeakDetectionTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@RegisterExtension
	final LeakLog leakLog = new LeakLog();

	private final List<LogRecord> records = this.leakLog.records();

	@ParameterizedTest
	@EnumSource(value = LeakDetection.class, names = { "SIMPLE", "PARANOID" })
	void droppedPosmIsFoundCountedAndReclaimed(LeakDetection level) {
		PosmAllocator allocator = Allocators.pooled("leaky").leakDetection(level).build();
		allocator.allocate(10).release();
		WeakReference<Posm> dropped = takeAndDrop(allocator, 1000);
		awaitCollected(dropped);
		await().atMost(PATIENCE).until(allocator::leaks, (leaks) -> leaks == 1);
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 0, 2, 1, 1, 0, 1024, 64));
		assertThat(this.records).hasSize(1);
		LogRecord record = this.records.get(0);
		assertThat(record.getMessage()).startsWith("LEAK: a POSM of 1024 bytes from allocator 'leaky' was dropped "
				+ "without release()");
		if (level == LeakDetection.SIMPLE) {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getMessage()).contains("set posm.leak-detection=paranoid");
			assertThat(record.getThrown()).isNull();
		}
		else {
			assertThat(record.getLevel()).isEqualTo(Level.SEVERE);
			assertThat(record.getMessage()).endsWith("it was taken at:");
			assertThat(stackOf(record.getThrown())).contains("takeAndDrop")
				.contains("droppedPosmIsFoundCountedAndReclaimed");
		}
	}

	@Test
	void droppedPosmOfAnAgentNamesTheAgentAndWhatItServedAndCountsOnceForTheName() {
		PosmAllocator allocator = Allocators.pooled("agents-leaky").build();
		Agents agents = new Agents(allocator);
		Agent agent = agents.open("uploads");
		WeakReference<Posm> dropped = takeAndDrop(agent, "PUT /files/a.txt");
		awaitCollected(dropped);
		await().atMost(PATIENCE).until(() -> agents.leaks("uploads") == 1 && this.records.size() == 1);
		// each probe runs once: no second count comes later
		await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(() -> agents.leaks("uploads") == 1);
		assertThat(allocator.leaks()).isEqualTo(1);
		assertThat(agents.leaks("downloads")).isZero();
		assertThat(this.records.get(0).getMessage()).startsWith("LEAK: a POSM of 1024 bytes from allocator "
				+ "'agents-leaky', taken by agent 'uploads' while serving PUT /files/a.txt, was dropped without "
				+ "release()");
		assertThat(agent.stats().bytesInUse()).isZero();
		agent.close();
	}

	private static WeakReference<Posm> takeAndDrop(Agent agent, String serving) {
		Posm posm = agent.allocate(1000);
		posm.serving(serving);
		return new WeakReference<>(posm);
	}

	@Test
	void paranoidModeRecordsWhereEachLeaseWasTaken() {
		PosmAllocator allocator = Allocators.unpooled("paranoid").leakDetection(LeakDetection.PARANOID).build();
		WeakReference<Posm> first = takeAndDrop(allocator, 10);
		WeakReference<Posm> second = takeAndDropElsewhere(allocator);
		awaitCollected(first);
		awaitCollected(second);
		await().atMost(PATIENCE).until(() -> this.records.size() == 2);
		List<String> stacks = new ArrayList<>();
		this.records.forEach((record) -> stacks.add(stackOf(record.getThrown())));
		assertThat(stacks).anyMatch((stack) -> stack.contains("takeAndDropElsewhere"))
			.anyMatch((stack) -> !stack.contains("takeAndDropElsewhere") && stack.contains("takeAndDrop"))
			.allMatch((stack) -> stack.contains("paranoidModeRecordsWhereEachLeaseWasTaken"));
		assertThat(allocator.leaks()).isEqualTo(2);
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(2, 0, 2, 0, 2, 0, 20, 0));
	}

	@Test
	void disabledDetectionDoesNotCountDroppedPosms() {
		PosmAllocator allocator = Allocators.pooled("unwatched").leakDetection(LeakDetection.DISABLED).build();
		WeakReference<Posm> dropped = takeAndDrop(allocator, 1000);
		awaitCollected(dropped);
		// nothing can be told about it: it stays held for the counters
		assertThat(allocator.leaks()).isZero();
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(1, 0, 1, 0, 0, 1024, 1024, 0));
		assertThat(this.records).isEmpty();
	}

	@Test
	void releasedPosmsAreNoLeaks() {
		PosmAllocator allocator = Allocators.unpooled("careful").build();
		List<WeakReference<Posm>> released = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			Posm posm = allocator.allocate(100);
			posm.release();
			released.add(new WeakReference<>(posm));
		}
		WeakReference<Posm> dropped = takeAndDrop(allocator, 100);
		released.add(dropped);
		awaitCollected(released);
		await().atMost(PATIENCE).until(allocator::leaks, (leaks) -> leaks == 1);
		// the cleaner has had its chance at the released ones too: still one leak
		await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(allocator::leaks, (leaks) -> leaks == 1);
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(51, 0, 51, 50, 1, 0, 100, 0));
	}

	@Test
	void droppedNettyPosmGivesItsMemoryBackToNetty() {
		PosmAllocator allocator = Allocators.netty("netty-leaky").build();
		List<ByteBuf> memory = new ArrayList<>();
		WeakReference<Posm> dropped = takeAndDrop(allocator, 1000, (posm) -> memory.add((ByteBuf) posm.block.resource()));
		awaitCollected(dropped);
		await().atMost(PATIENCE).until(allocator::leaks, (leaks) -> leaks == 1);
		assertThat(memory.get(0).refCnt()).as("references Netty still counts").isZero();
		// the one take made Netty allocate its first chunk: fresh
		assertThat(allocator.stats()).isEqualTo(new AllocatorStats(1, 0, 1, 0, 1, 0, 1000, 0));
	}

	@ParameterizedTest
	@EnumSource(LeakDetection.class)
	void droppedPooledAllocatorIsCollectedWithItsPool(LeakDetection level) {
		WeakReference<PosmAllocator> dropped = useAndDrop(Allocators.pooled("dropped").leakDetection(level).build());
		awaitCollected(dropped);
	}

	@Test
	void closedRecyclingAllocatorIsCollectedWhileTheThreadsThatUsedItLive() {
		PosmAllocator allocator = Allocators.recycling("closed").build();
		WeakReference<PosmAllocator> dropped = useAndDrop(allocator);
		assertThat(threadCaches(allocator)).isEqualTo(1);
		allocator.close();
		allocator = null;
		awaitCollected(dropped);
	}

	private static WeakReference<PosmAllocator> useAndDrop(PosmAllocator allocator) {
		Posm posm = allocator.allocate(1000);
		posm.release();
		allocator.allocate(10).release();
		assertThat(allocator.stats().retainedBytes()).isEqualTo(1024 + 64);
		return new WeakReference<>(allocator);
	}

	private static WeakReference<Posm> takeAndDrop(PosmAllocator allocator, int size) {
		return takeAndDrop(allocator, size, (posm) -> {
		});
	}

	private static WeakReference<Posm> takeAndDrop(PosmAllocator allocator, int size, Consumer<Posm> inspect) {
		Posm posm = allocator.allocate(size);
		posm.buffer().put(0, (byte) 1);
		inspect.accept(posm);
		return new WeakReference<>(posm);
	}

	private static WeakReference<Posm> takeAndDropElsewhere(PosmAllocator allocator) {
		return new WeakReference<>(allocator.allocate(10));
	}

	@Test
	void operationDroppedWithoutCloseIsFoundAndCountedForItsAgent() {
		PosmAllocator allocator = Allocators.pooled("dropped-operation").build();
		Agents agents = new Agents(allocator);
		Agent agent = agents.open("forgetful");
		WeakReference<Operation> dropped = beginAndDrop(agent);
		awaitCollected(dropped);
		await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
			System.gc();
			// each probe logs after it counted, on a cleaner thread of its own
			return agents.operationLeaks("forgetful") == 1 && allocator.leaks() == 1 && this.records.size() == 2;
		});
		// counted as completed and failed: nothing stays active for good
		assertThat(agent.stats()).isEqualTo(new AgentStats(1, 0, 1, 1, 0, 1, 0, 128));
		assertThat(allocator.stats().bytesInUse()).isZero();
		assertThat(this.records).anyMatch((record) -> record.getMessage()
			.startsWith("LEAK: an operation of agent 'forgetful' was dropped without close()"));
		// an operation that was closed is no leak, and the agent goes on
		try (Operation operation = agent.begin()) {
			operation.allocate(100).release();
		}
		assertThat(agents.operationLeaks("forgetful")).isEqualTo(1);
		agent.close();
	}

	private static WeakReference<Operation> beginAndDrop(Agent agent) {
		Operation operation = agent.begin();
		operation.allocate(100);
		return new WeakReference<>(operation);
	}

	private void awaitCollected(WeakReference<?> reference) {
		awaitCollected(List.of(reference));
	}

	private void awaitCollected(List<? extends WeakReference<?>> references) {
		await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
			System.gc();
			return references.stream().allMatch((reference) -> reference.get() == null);
		});
	}

	private static String stackOf(Throwable throwable) {
		StringWriter stack = new StringWriter();
		throwable.printStackTrace(new PrintWriter(stack));
		return stack.toString();
	}

	private static int threadCaches(PosmAllocator allocator) {
		return (Integer) allocator.describe().get("threadCaches");
	}

}
