package dev.posm.sample;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The condition of {@link EnabledWithDocker}: asks Testcontainers whether Docker is
 * available with its loggers silenced, because a failed search is logged at ERROR with
 * every strategy tried. Where Docker is missing, one INFO line says what is skipped and
 * what runs instead. Testcontainers remembers the answer, so the search runs once per JVM.
 *
 * @author posm
 */
public final class DockerCondition implements ExecutionCondition {

	private static final org.slf4j.Logger logger = LoggerFactory.getLogger(DockerCondition.class);

	private static final String TESTCONTAINERS = "org.testcontainers";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (isDockerAvailable()) {
			return ConditionEvaluationResult.enabled("Docker is available");
		}
		String skipped = context.getTestClass().map(Class::getSimpleName).orElse(context.getDisplayName());
		String otherwise = context.getTestClass()
			.map((type) -> AnnotatedElementUtils.findMergedAnnotation(type, EnabledWithDocker.class))
			.map(EnabledWithDocker::otherwise)
			.filter((name) -> !name.isEmpty())
			.map((name) -> "; " + name + " runs the same checks without it")
			.orElse("");
		String reason = "No Docker environment: " + skipped + " skipped" + otherwise;
		logger.info(reason);
		return ConditionEvaluationResult.disabled(reason);
	}

	/**
	 * Return whether Docker is available, without a line of Testcontainers' log.
	 * @return whether Testcontainers found a Docker environment
	 */
	public static boolean isDockerAvailable() {
		org.slf4j.Logger testcontainers = LoggerFactory.getLogger(TESTCONTAINERS);
		if (!(testcontainers instanceof Logger logback)) {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		Level level = logback.getLevel();
		logback.setLevel(Level.OFF);
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		finally {
			logback.setLevel(level);
		}
	}

}
