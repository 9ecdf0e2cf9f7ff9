package dev.posm.autoconfigure.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidAsyncAgentMethodException}.
 *
 * @author posm
 */
class InvalidAsyncAgentMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAsyncAgentMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidAsyncAgentMethodException cause) {
		return new FailureAnalysis("The @AsyncAgent method " + cause.getMethod() + " cannot be an operation of an agent:"
				+ System.lineSeparator() + System.lineSeparator() + "    " + cause.getProblem(), cause.getAction(),
				cause);
	}

}
