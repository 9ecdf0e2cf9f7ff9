package dev.posm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the system property {@code dev.posm.direct-memory.free-at-once}, each in a
 * JVM of its own, since the property is read once.
 *
 * @author posm
 */
class DirectMemoryPropertyTests {

	private static final boolean FREES_AT_ONCE = Boolean.getBoolean("posm.test.freesAtOnce");

	@Test
	void unsetFreesAtOnceWhereTheJdkAllows() throws Exception {
		Map<String, String> probe = probe(null);
		assertThat(probe).containsEntry("direct", "built").containsEntry("freesAtOnce", String.valueOf(FREES_AT_ONCE));
		// an arena is not one of the JDK's direct buffers
		assertThat(Long.parseLong(probe.get("directPoolBytes"))).isEqualTo(FREES_AT_ONCE ? 0 : 1 << 20);
	}

	@Test
	void falseLeavesDroppedMemoryToTheCollector() throws Exception {
		Map<String, String> probe = probe(" FALSE ");
		assertThat(probe).containsEntry("direct", "built").containsEntry("freesAtOnce", "false");
		assertThat(probe).containsEntry("directPoolBytes", String.valueOf(1 << 20));
	}

	@Test
	void trueIsTheDefault() throws Exception {
		assertThat(probe("true")).containsEntry("freesAtOnce", String.valueOf(FREES_AT_ONCE));
	}

	@Test
	void anyOtherValueStopsTheBuildOfADirectAllocatorAndNamesIt() throws Exception {
		Map<String, String> probe = probe("maybe");
		assertThat(probe).containsEntry("heap", "built")
			.containsEntry("direct",
					"System property dev.posm.direct-memory.free-at-once must be true or false, was 'maybe'")
			.doesNotContainKey("freesAtOnce");
	}

	private static Map<String, String> probe(String value) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(
				List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
		if (value != null) {
			command.add("-Ddev.posm.direct-memory.free-at-once=" + value);
		}
		command.add(DirectMemoryProbe.class.getName());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		Map<String, String> lines = new LinkedHashMap<>();
		for (String line : output.split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				lines.put(line.substring(0, equals), line.substring(equals + 1));
			}
		}
		return lines;
	}

}
