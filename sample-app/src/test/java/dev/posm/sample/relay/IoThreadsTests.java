package dev.posm.sample.relay;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The I/O threads count what they allocate, alive and after they end, and nothing that
 * other threads allocate. Real threads, real allocations, the JVM's own counters.
 *
 * @author posm
 */
class IoThreadsTests {

	private static final int MEGABYTE = 1024 * 1024;

	// where allocations go so that the compiler cannot drop them
	private static volatile Object sink;

	private final IoThreads threads = new IoThreads("test-io-");

	@Test
	void measuresOnTheJvmsWeRunOn() {
		// HotSpot counts per thread: CI must not silently lose the measurement
		assertThat(this.threads.isMeasuring()).isTrue();
		assertThat(this.threads.allocatedBytes()).isZero();
	}

	@Test
	void namesItsThreadsAndMakesThemDaemons() {
		Thread first = this.threads.newThread(() -> {
		});
		Thread second = this.threads.newThread(() -> {
		});
		assertThat(first.getName()).isEqualTo("test-io-1");
		assertThat(second.getName()).isEqualTo("test-io-2");
		assertThat(first.isDaemon()).isTrue();
	}

	@Test
	void countsWhatItsThreadsAllocateWhileAliveAndAfterTheyEnd() throws InterruptedException {
		CountDownLatch allocated = new CountDownLatch(1);
		CountDownLatch end = new CountDownLatch(1);
		Thread thread = this.threads.newThread(() -> {
			allocate(8);
			allocated.countDown();
			await(end);
		});
		long before = this.threads.allocatedBytes();
		thread.start();
		assertThat(allocated.await(10, TimeUnit.SECONDS)).isTrue();
		long alive = this.threads.allocatedBytes();
		assertThat(alive - before).isGreaterThanOrEqualTo(8L * MEGABYTE);
		end.countDown();
		thread.join(10_000);
		assertThat(thread.isAlive()).isFalse();
		// the ended thread's bytes stay in the sum: it never goes back
		assertThat(this.threads.allocatedBytes()).isGreaterThanOrEqualTo(alive);
	}

	@Test
	void sumsEveryThreadItMade() throws InterruptedException {
		Thread first = this.threads.newThread(() -> allocate(4));
		Thread second = this.threads.newThread(() -> allocate(6));
		first.start();
		second.start();
		first.join(10_000);
		second.join(10_000);
		assertThat(this.threads.allocatedBytes()).isGreaterThanOrEqualTo(10L * MEGABYTE);
	}

	@Test
	void doesNotCountOtherThreads() throws InterruptedException {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch end = new CountDownLatch(1);
		// one of its threads alive and idle, so that the sum reads live counters
		Thread idle = this.threads.newThread(() -> {
			started.countDown();
			await(end);
		});
		idle.start();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		long before = this.threads.allocatedBytes();
		Thread other = new Thread(() -> allocate(16));
		other.start();
		other.join(10_000);
		allocate(16);
		assertThat(this.threads.allocatedBytes() - before).isLessThan(MEGABYTE);
		end.countDown();
		idle.join(10_000);
	}

	private static void allocate(int megabytes) {
		for (int i = 0; i < megabytes; i++) {
			sink = new byte[MEGABYTE];
		}
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
