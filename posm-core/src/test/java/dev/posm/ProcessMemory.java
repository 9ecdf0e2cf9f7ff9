package dev.posm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * What this JVM process holds now, as the operating system and the JDK see it: the
 * resident memory of the process (Linux, {@code /proc/self/status}), the JDK's direct
 * buffer pool ({@code java.nio:type=BufferPool,name=direct}, what
 * {@code jvm.buffer.memory.used{id=direct}} shows) and how many collections ran.
 *
 * @param residentBytes the resident set of the process
 * @param directPoolBytes the memory used by the JDK's direct buffer pool
 * @param collections the collections run so far by every collector
 * @author posm
 */
record ProcessMemory(long residentBytes, long directPoolBytes, long collections) {

	private static final Path STATUS = Path.of("/proc/self/status");

	/**
	 * Return whether the resident memory can be read here.
	 */
	static boolean isAvailable() {
		return Files.isReadable(STATUS);
	}

	/**
	 * Return the memory of the process now.
	 */
	static ProcessMemory now() {
		return new ProcessMemory(resident(), directPool().getMemoryUsed(), collectionsSoFar());
	}

	/**
	 * Collect garbage and wait until the direct buffers it found are freed: what earlier
	 * tests left must not be freed while a test measures.
	 */
	static void settle() {
		System.gc();
		long[] last = { -1 };
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
			long used = directPool().getMemoryUsed();
			boolean steady = used == last[0];
			last[0] = used;
			return steady;
		});
	}

	private static long resident() {
		try {
			for (String line : Files.readAllLines(STATUS)) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) * 1024;
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("No VmRSS in " + STATUS);
	}

	private static BufferPoolMXBean directPool() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.findFirst()
			.orElseThrow();
	}

	private static long collectionsSoFar() {
		long collections = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			collections += Math.max(0, collector.getCollectionCount());
		}
		return collections;
	}

}
