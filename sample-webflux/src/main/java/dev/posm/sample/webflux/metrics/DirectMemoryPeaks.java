package dev.posm.sample.webflux.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.internal.PlatformDependent;

import org.springframework.context.SmartLifecycle;

/**
 * {@code sample.direct.memory.peak}: the most direct memory the JVM held at once since it
 * started, as two counters see it, sampled every 10 ms by a thread of its own. Neither
 * counter keeps a peak, hence the sampling; a peak shorter than the interval can be
 * missed.
 * <ul>
 * <li>{@code counter=jdk}: the JDK's {@code direct} buffer pool (the same as
 * {@code jvm.buffer.memory.used{id=direct}}): every {@code ByteBuffer.allocateDirect},
 * posm's blocks included, and Netty's when Netty allocates that way;</li>
 * <li>{@code counter=netty}: Netty's {@code PlatformDependent.usedDirectMemory()}, every
 * direct buffer Netty allocates for itself, also those the JDK's counter never sees
 * (allocated without a cleaner); absent when Netty keeps no such count;</li>
 * <li>{@code counter=posm}: posm's direct memory as posm counts it
 * ({@link PosmDirectMemory}), which on Java 25 the JDK's counter no longer sees.</li>
 * </ul>
 *
 * @author posm
 */
public class DirectMemoryPeaks implements MeterBinder, SmartLifecycle {

	private static final Duration INTERVAL = Duration.ofMillis(10);

	private final Peak jdk;

	private final Peak netty;

	private final Peak posm;

	private volatile boolean running;

	private volatile Thread sampler;

	/**
	 * Create the peaks over the JVM's direct buffer pool, Netty's counter and posm's.
	 * @param posm posm's direct memory now
	 */
	public DirectMemoryPeaks(LongSupplier posm) {
		BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> "direct".equals(pool.getName()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The JVM reports no 'direct' buffer pool"));
		this.jdk = new Peak(direct::getMemoryUsed);
		this.netty = new Peak(PlatformDependent::usedDirectMemory);
		this.posm = new Peak(posm);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		register(registry, "jdk", this.jdk);
		if (PlatformDependent.usedDirectMemory() >= 0) {
			register(registry, "netty", this.netty);
		}
		register(registry, "posm", this.posm);
	}

	private void register(MeterRegistry registry, String counter, Peak peak) {
		Gauge.builder("sample.direct.memory.peak", peak, Peak::value)
			.description("The most direct memory held at once since the JVM started, sampled every 10 ms")
			.tag("counter", counter)
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
	}

	@Override
	public void start() {
		this.running = true;
		Thread thread = new Thread(this::sample, "direct-memory-peaks");
		thread.setDaemon(true);
		this.sampler = thread;
		thread.start();
	}

	private void sample() {
		while (this.running) {
			this.jdk.sample();
			this.netty.sample();
			this.posm.sample();
			LockSupport.parkNanos(INTERVAL.toNanos());
		}
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.sampler;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * The peak of one counter, sampled by the sampler and by every read.
	 */
	private static final class Peak {

		private final LongSupplier counter;

		private final AtomicLong value = new AtomicLong();

		Peak(LongSupplier counter) {
			this.counter = counter;
		}

		void sample() {
			this.value.accumulateAndGet(this.counter.getAsLong(), Math::max);
		}

		double value() {
			sample();
			return this.value.get();
		}

	}

}
