package dev.posm.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidPosmPropertyException}: which property, which value, and
 * what would be accepted.
 *
 * @author posm
 */
class InvalidPosmPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPosmPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPosmPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for property '" + cause.getProperty() + "':"
				+ System.lineSeparator() + System.lineSeparator() + "    Reason: " + cause.getReason();
		StringBuilder action = new StringBuilder("Update your application's configuration. The accepted values of '")
			.append(cause.getProperty())
			.append("' are:")
			.append(System.lineSeparator());
		for (String accepted : cause.getAcceptedValues()) {
			action.append(System.lineSeparator()).append("    ").append(accepted);
		}
		return new FailureAnalysis(description, action.toString(), cause);
	}

}
