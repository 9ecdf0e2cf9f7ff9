package dev.posm.autoconfigure.aot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PosmPropertyFixedAtBuildTimeException}: which property, its value at
 * run time and at build time, and the two ways out.
 *
 * @author posm
 */
class PosmPropertyFixedAtBuildTimeFailureAnalyzer extends AbstractFailureAnalyzer<PosmPropertyFixedAtBuildTimeException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PosmPropertyFixedAtBuildTimeException cause) {
		String nl = System.lineSeparator();
		String description = "Property '" + cause.getProperty() + "' was fixed at build time:" + nl + nl
				+ "    At run time: " + cause.getRunTimeValue() + nl + "    At build time (AOT processing): "
				+ cause.getBuildTimeValue() + nl + "    Reason: " + cause.getReason();
		String action = "Set '" + cause.getProperty() + "' to its run-time value in the configuration the "
				+ "application is AOT-processed with and process it again (process-aot, or the native image build), "
				+ "or start the application without -Dspring.aot.enabled=true.";
		return new FailureAnalysis(description, action, cause);
	}

}
