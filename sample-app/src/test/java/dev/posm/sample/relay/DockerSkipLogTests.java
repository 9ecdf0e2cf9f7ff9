package dev.posm.sample.relay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.posm.sample.DockerCondition;
import dev.posm.sample.TestClassRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build log of {@link RelayRedisContainerTests}, read from a JVM of its own (the
 * search for Docker runs once per JVM, so only a fresh one shows what a build prints):
 * without Docker, one INFO line and a skip, never an ERROR; with Docker, a pass.
 *
 * @author posm
 */
class DockerSkipLogTests {

	@Test
	void aSkipWithoutDockerLogsNoError() throws Exception {
		List<String> log = run(RelayRedisContainerTests.class);
		assertThat(log).as("the console of a run of RelayRedisContainerTests")
			.noneMatch((line) -> line.contains("ERROR"));
		if (DockerCondition.isDockerAvailable()) {
			assertThat(log).contains("SUCCESSFUL RelayRedisContainerTests");
			return;
		}
		String reason = "No Docker environment: RelayRedisContainerTests skipped; RelayRedisTests runs the same "
				+ "checks without it";
		assertThat(log).as("the console of a run of RelayRedisContainerTests")
			.contains("SKIPPED RelayRedisContainerTests: " + reason)
			.filteredOn((line) -> line.contains(reason) && line.contains(" INFO "))
			.hasSize(1);
		assertThat(log).as("what Testcontainers says while it looks for Docker")
			.noneMatch((line) -> line.contains("org.testcontainers"));
	}

	private static List<String> run(Class<?> testClass) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				TestClassRun.class.getName(), testClass.getName())
			.redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the test JVM ended").isTrue();
		String console = new String(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(console).isZero();
		return console.lines().toList();
	}

}
