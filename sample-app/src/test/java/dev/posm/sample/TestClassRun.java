package dev.posm.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs one test class in a JVM of its own, as a build would, and prints one line per
 * skipped or finished container or test: {@code SKIPPED <name>: <reason>} or
 * {@code <status> <name>}. What the class and its libraries log goes to the console as
 * in a build, for a test to read.
 *
 * @author posm
 */
public final class TestClassRun {

	private TestClassRun() {
	}

	/**
	 * Run the test class.
	 * @param args the fully qualified name of the test class
	 * @throws ClassNotFoundException if there is no such class
	 */
	public static void main(String[] args) throws ClassNotFoundException {
		Class<?> testClass = Class.forName(args[0], false, TestClassRun.class.getClassLoader());
		List<String> lines = new CopyOnWriteArrayList<>();
		Launcher launcher = LauncherFactory.create();
		launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
				new TestExecutionListener() {

					@Override
					public void executionSkipped(TestIdentifier identifier, String reason) {
						lines.add("SKIPPED " + identifier.getDisplayName() + ": " + reason);
					}

					@Override
					public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
						if (identifier.getSource().isPresent()) {
							lines.add(result.getStatus() + " " + identifier.getDisplayName());
						}
					}

				});
		lines.forEach(System.out::println);
	}

}
