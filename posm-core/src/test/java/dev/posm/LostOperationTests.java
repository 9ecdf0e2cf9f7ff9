package dev.posm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests that a take which most likely left its operation behind is reported where it
 * happens (once per agent name, naming the agent and the fix; under paranoid leak
 * detection, by an exception in place of the take), and that plain code outside every
 * agent, or work handed over through posm, is never reported.
 *
 * @author posm
 */
class LostOperationTests {

	private static final int SIZE = 1000;

	private final Logger misuseLogger = Logger.getLogger("dev.posm.misuse");

	private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

	private final StreamHandler capture = new StreamHandler(this.logged, new SimpleFormatter());

	private final PosmAllocator fallback = Allocators.pooled("lost-default").build();

	private PosmAllocator previousDefault;

	@BeforeEach
	void captureMisuseLogAndInstallDefault() {
		this.misuseLogger.setUseParentHandlers(false);
		this.misuseLogger.addHandler(this.capture);
		this.previousDefault = Posms.setDefaultAllocator(this.fallback);
	}

	@AfterEach
	void restore() {
		Posms.restoreDefaultAllocator(this.fallback, this.previousDefault);
		this.misuseLogger.removeHandler(this.capture);
		this.misuseLogger.setUseParentHandlers(true);
	}

	@Test
	void threadsStartedInsideARunningOperationWarnOnceNamingTheAgentAndTheFix() throws Exception {
		Agents agents = new Agents(Allocators.pooled("started-in").build());
		Agent agent = agents.open("started-in-operation");
		try (Operation operation = agent.begin()) {
			for (int i = 0; i < 3; i++) {
				// CompletableFuture.supplyAsync does this when the common pool has one thread
				assertThat(startInside(operation, () -> takeAndRelease())).isNull();
			}
		}
		assertThat(warningsNaming("started-in-operation")).singleElement().satisfies((warning) -> {
			assertThat(warning).startsWith("WARNING: Posms.allocate(1000) found no current operation on thread")
				.contains("was started inside an operation of agent 'started-in-operation' that is still running")
				.contains("a POSM comes from allocator 'lost-default', and nothing gives it back when the operation of"
						+ " agent 'started-in-operation' completes")
				.contains("Posms.supplyAsync(..)")
				.contains("Posms.wrap(executor)")
				.contains("spring.reactor.context-propagation=auto")
				.contains("Posms.defaultAllocator()");
		});
		assertThat(agent.stats().allocations()).isZero();
		assertThat(this.fallback.stats().allocations()).isEqualTo(3);
		agent.close();
	}

	@Test
	void underParanoidATakeThatLeftItsOperationBehindThrowsAndTakesNothing() throws Exception {
		Agents agents = new Agents(Allocators.pooled("paranoid-lost").leakDetection(LeakDetection.PARANOID).build());
		Agent agent = agents.open("paranoid-started-in");
		try (Operation operation = agent.begin()) {
			Throwable failure = startInside(operation, () -> takeAndRelease());
			assertThat(failure).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("was started inside an operation of agent 'paranoid-started-in'")
				.hasMessageContaining("Posms.supplyAsync(..)");
			// every time, not once
			assertThat(startInside(operation, () -> takeAndRelease())).isInstanceOf(IllegalStateException.class);
			// a bad size is still a bad size first
			assertThat(startInside(operation, () -> Posms.allocate(-1))).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("-1");
		}
		assertThat(warningsNaming("paranoid-started-in")).isEmpty();
		assertThat(this.fallback.stats().allocations()).isZero();
		agent.close();
	}

	@Test
	void aThreadStartedInAnOperationThatCompletedIsNotReported() throws Exception {
		Agents agents = new Agents(Allocators.pooled("completed-origin").build());
		Agent agent = agents.agent("completed-origin");
		Operation operation = agent.begin();
		CountDownLatch completed = new CountDownLatch(1);
		Thread thread = InOperation.call(operation, () -> new Thread(() -> {
			await(completed);
			takeAndRelease();
		}));
		thread.start();
		operation.close();
		completed.countDown();
		thread.join(10_000);
		assertThat(warningsNaming("completed-origin")).isEmpty();
		assertThat(this.fallback.stats().allocations()).isEqualTo(1);
	}

	@Test
	void aThreadStartedInAnOperationWhoseHandleWasRestartedIsNotReported() throws Exception {
		Agents agents = new Agents(Allocators.pooled("restarted-origin").build());
		Agent agent = agents.open("restarted-origin");
		Operation operation = agent.begin();
		CountDownLatch restarted = new CountDownLatch(1);
		Thread thread = InOperation.call(operation, () -> new Thread(() -> {
			await(restarted);
			takeAndRelease();
		}));
		thread.start();
		operation.close();
		// the same handle now stands for the agent's next operation, which the thread never saw
		try (Operation next = agent.restart(operation)) {
			assertThat(next).isSameAs(operation);
			restarted.countDown();
			thread.join(10_000);
		}
		assertThat(warningsNaming("restarted-origin")).isEmpty();
		assertThat(this.fallback.stats().allocations()).isEqualTo(1);
		agent.close();
	}

	@Test
	void commonPoolWorkWhileASharedAgentsOperationRunsWarnsOnceNamingIt() throws Exception {
		Agents agents = new Agents(Allocators.pooled("common-pool").build());
		Agent agent = agents.agent("common-pool-agent");
		try (Operation operation = agent.begin()) {
			for (int i = 0; i < 3; i++) {
				assertThat(onCommonPool(() -> takeAndRelease())).isNull();
			}
		}
		assertThat(warningsNaming("common-pool-agent")).singleElement()
			.satisfies((warning) -> assertThat(warning)
				.contains("is a thread of the common ForkJoinPool (where CompletableFuture.supplyAsync and parallel"
						+ " streams run), while agent 'common-pool-agent' has an operation running")
				.contains("Posms.supplyAsync(..)"));
		// once no operation runs, nothing is meant
		assertThat(onCommonPool(() -> takeAndRelease())).isNull();
		assertThat(warningsNaming("common-pool-agent")).hasSize(1);
	}

	@Test
	void commonPoolWorkUnderParanoidThrows() throws Exception {
		Agents agents = new Agents(Allocators.pooled("common-paranoid").leakDetection(LeakDetection.PARANOID).build());
		Agent agent = agents.agent("common-pool-paranoid");
		long before = this.fallback.stats().allocations();
		try (Operation operation = agent.begin()) {
			assertThat(onCommonPool(() -> takeAndRelease())).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("agent 'common-pool-paranoid' has an operation running");
		}
		assertThat(this.fallback.stats().allocations()).isEqualTo(before);
	}

	@Test
	void plainThreadOutsideEveryAgentTakesFromTheDefaultSilentlyWhileOperationsRun() throws Exception {
		Agents agents = new Agents(Allocators.pooled("plain").build());
		Agent agent = agents.agent("plain-elsewhere");
		try (Operation operation = agent.begin()) {
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread plain = new Thread(() -> {
				try {
					takeAndRelease();
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			plain.start();
			plain.join(10_000);
			assertThat(failure.get()).isNull();
			// the test's own thread too
			takeAndRelease();
		}
		assertThat(warnings()).isEmpty();
		assertThat(this.fallback.stats().allocations()).isEqualTo(2);
		assertThat(this.fallback.stats().releases()).isEqualTo(2);
	}

	@Test
	void workHandedOverThroughPosmOutsideEveryOperationIsNotReported() throws Exception {
		Agents agents = new Agents(Allocators.pooled("handed-over").build());
		Agent agent = agents.agent("handed-over-agent");
		Operation running = agent.begin();
		try {
			// no operation where it is handed over: it runs in none, and posm knows it
			Posms.runAsync(LostOperationTests::takeAndRelease).get(10, TimeUnit.SECONDS);
			CompletableFuture.runAsync(LostOperationTests::takeAndRelease, Posms.wrap(ForkJoinPool.commonPool()))
				.get(10, TimeUnit.SECONDS);
			// and a thread started in an operation, running work handed over from none
			Runnable outside = Posms.wrap(LostOperationTests::takeAndRelease);
			assertThat(startInside(running, outside)).isNull();
		}
		finally {
			running.close();
		}
		assertThat(warningsNaming("handed-over-agent")).isEmpty();
		assertThat(this.fallback.stats().allocations()).isEqualTo(3);
	}

	@Test
	void aBadSizeOutsideEveryOperationIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> Posms.allocate(-5)).withMessageContaining("-5");
		assertThat(this.fallback.stats().allocations()).isZero();
	}

	private List<String> warnings() {
		this.capture.flush();
		return this.logged.toString(StandardCharsets.UTF_8).lines().filter((line) -> line.startsWith("WARNING: ")).toList();
	}

	private List<String> warningsNaming(String agent) {
		return warnings().stream().filter((warning) -> warning.contains("agent '" + agent + "'")).toList();
	}

	private static void takeAndRelease() {
		Posms.allocate(SIZE).release();
	}

	/**
	 * Start a thread while the operation is current here, run the work there and return
	 * what it threw.
	 */
	private static Throwable startInside(Operation operation, Runnable work) throws Exception {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread thread = InOperation.call(operation, () -> new Thread(() -> {
			try {
				work.run();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}));
		thread.start();
		thread.join(10_000);
		assertThat(thread.isAlive()).isFalse();
		return failure.get();
	}

	/**
	 * Run the work on a worker of the common pool (not on this thread, which a join may
	 * lend to the pool) and return what it threw.
	 */
	private static Throwable onCommonPool(Runnable work) throws InterruptedException {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<Thread> thread = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		ForkJoinPool.commonPool().execute(() -> {
			thread.set(Thread.currentThread());
			try {
				work.run();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
			finally {
				done.countDown();
			}
		});
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(thread.get().getName()).startsWith("ForkJoinPool.commonPool-worker-");
		return failure.get();
	}


	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
