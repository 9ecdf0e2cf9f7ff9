import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Splits what the relay's I/O threads allocated during a profiled run of relay-bench.sh
 * by who asked for the memory, from the {@code jdk.ObjectAllocationSample} events of a
 * JFR recording (each event weighs the bytes its thread allocated since the previous
 * sample, so the weights add up to an estimate of the whole; the first sample of each
 * thread is left out, as it weighs all the thread allocated before). An allocation belongs to
 * the innermost frame of its stack that is posm's ({@code dev.posm}, the sample
 * excluded), the sample relay's ({@code dev.posm.sample}) or the JDK's socket channels
 * ({@code sun.nio.ch}); library code in between ({@code java.util.concurrent},
 * {@code java.nio} buffers) counts for whoever called it. Anything else is "other".
 * <p>
 * Run by the script with the JDK's source launcher, no build needed:
 * {@code java RelayAllocationProfile.java <profile.csv> <sites.csv> <config>=<recording.jfr>,<requests>,<bytes> ...}
 * where the bytes are what the relay's meter counted during the recording.
 * It appends to both CSV files (writing their header when new).
 *
 * @author posm
 */
public final class RelayAllocationProfile {

	private static final String THREAD_PREFIX = "relay-io-";

	private static final String[] CATEGORIES = { "posm", "sample", "jdk-nio", "other" };

	private static final int TOP_SITES = 8;

	private RelayAllocationProfile() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 3) {
			System.err.println("usage: java RelayAllocationProfile.java <profile.csv> <sites.csv>"
					+ " <config>=<recording.jfr>,<requests>,<measured bytes> ...");
			System.exit(2);
		}
		Path profileCsv = Path.of(args[0]);
		Path sitesCsv = Path.of(args[1]);
		boolean newProfile = !Files.exists(profileCsv);
		boolean newSites = !Files.exists(sitesCsv);
		try (PrintWriter profile = appending(profileCsv); PrintWriter sites = appending(sitesCsv)) {
			if (newProfile) {
				profile.println("config,samples,measured_bytes_per_request,sampled_bytes_per_request,"
						+ "posm_bytes_per_request,"
						+ "sample_bytes_per_request,jdk_nio_bytes_per_request,other_bytes_per_request,"
						+ "posm_share,sample_share,jdk_nio_share,other_share");
			}
			if (newSites) {
				sites.println("config,category,bytes_per_request,share,object_class,site");
			}
			for (int i = 2; i < args.length; i++) {
				analyse(args[i], profile, sites);
			}
		}
	}

	private static PrintWriter appending(Path file) throws IOException {
		return new PrintWriter(
				Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
	}

	private static void analyse(String argument, PrintWriter profile, PrintWriter sites) throws IOException {
		int equals = argument.indexOf('=');
		String[] parts = argument.substring(equals + 1).split(",");
		if (equals <= 0 || parts.length != 3) {
			throw new IllegalArgumentException(
					"'" + argument + "' is not <config>=<recording.jfr>,<requests>,<measured bytes>");
		}
		String config = argument.substring(0, equals);
		Path recording = Path.of(parts[0]);
		long requests = Long.parseLong(parts[1]);
		long measured = Long.parseLong(parts[2]);
		if (requests <= 0) {
			throw new IllegalArgumentException("'" + argument + "' has no requests");
		}
		Map<String, Long> byCategory = new LinkedHashMap<>();
		for (String category : CATEGORIES) {
			byCategory.put(category, 0L);
		}
		Map<String, Site> bySite = new LinkedHashMap<>();
		long samples = 0;
		long total = 0;
		List<RecordedEvent> events = new ArrayList<>();
		Map<Long, RecordedEvent> firstOfThread = new HashMap<>();
		try (RecordingFile file = new RecordingFile(recording)) {
			while (file.hasMoreEvents()) {
				RecordedEvent event = file.readEvent();
				if (!"jdk.ObjectAllocationSample".equals(event.getEventType().getName())) {
					continue;
				}
				RecordedThread thread = event.getThread("eventThread");
				if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith(THREAD_PREFIX)) {
					continue;
				}
				events.add(event);
				firstOfThread.merge(thread.getJavaThreadId(), event,
						(a, b) -> a.getStartTime().isAfter(b.getStartTime()) ? b : a);
			}
		}
		for (RecordedEvent event : events) {
			// a thread's first sample weighs all it allocated before the recording (the
			// warm-up): left out
			if (firstOfThread.get(event.getThread("eventThread").getJavaThreadId()) == event) {
				continue;
			}
			long weight = event.getLong("weight");
			String objectClass = readable(event.getClass("objectClass").getName());
			Site site = site(event.getStackTrace(), objectClass);
			samples++;
			total += weight;
			byCategory.merge(site.category, weight, Long::sum);
			bySite.computeIfAbsent(site.key(), (key) -> site).bytes += weight;
		}
		StringBuilder line = new StringBuilder(config).append(',').append(samples).append(',');
		line.append(perRequest(measured, requests)).append(',').append(perRequest(total, requests));
		for (String category : CATEGORIES) {
			line.append(',').append(perRequest(byCategory.get(category), requests));
		}
		for (String category : CATEGORIES) {
			line.append(',').append(share(byCategory.get(category), total));
		}
		profile.println(line);
		List<Site> top = new ArrayList<>(bySite.values());
		top.sort(Comparator.comparingLong((Site site) -> site.bytes).reversed());
		for (Site site : top.subList(0, Math.min(TOP_SITES, top.size()))) {
			sites.println(String.join(",", config, site.category, perRequest(site.bytes, requests),
					share(site.bytes, total), site.objectClass, site.frame));
		}
		System.out.println(config + ": " + samples + " samples, " + perRequest(total, requests)
				+ " B/request sampled on the relay's I/O threads, " + perRequest(measured, requests) + " measured");
	}

	private static Site site(RecordedStackTrace stack, String objectClass) {
		if (stack == null || stack.getFrames().isEmpty()) {
			return new Site("other", objectClass, "(no stack)");
		}
		List<RecordedFrame> frames = stack.getFrames();
		for (RecordedFrame frame : frames) {
			if (frame.getMethod() == null) {
				continue;
			}
			String type = frame.getMethod().getType().getName();
			String category = null;
			if (type.startsWith("dev.posm.sample.")) {
				category = "sample";
			}
			else if (type.startsWith("dev.posm.")) {
				category = "posm";
			}
			else if (type.startsWith("sun.nio.ch.")) {
				category = "jdk-nio";
			}
			if (category != null) {
				return new Site(category, objectClass, describe(frame));
			}
		}
		return new Site("other", objectClass, describe(frames.get(0)));
	}

	private static String readable(String className) {
		// a lambda's hidden class carries a number that changes from run to run
		int lambda = className.indexOf("$$Lambda");
		return (lambda >= 0) ? className.substring(0, lambda + "$$Lambda".length()) : className;
	}

	private static String describe(RecordedFrame frame) {
		if (frame.getMethod() == null) {
			return "(unknown frame)";
		}
		String type = readable(frame.getMethod().getType().getName());
		String simple = type.substring(type.lastIndexOf('.') + 1);
		// a CSV field: no comma may slip in
		return (simple + "." + frame.getMethod().getName() + ":" + frame.getLineNumber()).replace(',', ';');
	}

	private static String perRequest(long bytes, long requests) {
		return String.format(Locale.ROOT, "%.1f", (double) bytes / requests);
	}

	private static String share(long bytes, long total) {
		return String.format(Locale.ROOT, "%.3f", (total > 0) ? (double) bytes / total : 0.0);
	}

	/**
	 * Where an allocation was asked for, and how much was sampled there.
	 */
	private static final class Site {

		private final String category;

		private final String objectClass;

		private final String frame;

		private long bytes;

		Site(String category, String objectClass, String frame) {
			this.category = category;
			this.objectClass = objectClass;
			this.frame = frame;
		}

		String key() {
			return this.category + '|' + this.objectClass + '|' + this.frame;
		}

	}

}
