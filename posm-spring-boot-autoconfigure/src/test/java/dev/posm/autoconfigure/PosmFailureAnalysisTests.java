package dev.posm.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import dev.posm.PosmAllocator;
import dev.posm.Posms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that every bad {@code posm.*} value stops start-up with a failure analysis that
 * names the property, the value and the accepted values, and changes nothing.
 *
 * @author posm
 */
@ExtendWith(OutputCaptureExtension.class)
class PosmFailureAnalysisTests {

	private static final String TYPES = "unpooled, pooled, recycling, slab, netty";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			posm.allocators.big-io.type                | bogus  | bogus  | there is no allocator type of that name | unpooled
			posm.allocators.big-io.type                | ''     | ''     | there is no allocator type of that name | slab
			posm.allocators.big-io.max-block-size      | -1     | -1B    | a size cannot be negative               | a size from 1B to 1GB
			posm.allocators.big-io.max-block-size      | 0      | 0B     | makes no sense here                     | a size from 1B to 1GB
			posm.allocators.big-io.max-block-size      | 2GB    | 2GB    | larger than 1GB                         | a size from 1B to 1GB
			posm.allocators.big-io.max-retained        | -64MB  | -64MB  | a size cannot be negative               | 0 (keep nothing)
			posm.allocators.big-io.slab-size           | 0      | 0B     | makes no sense here                     | a positive size below 2GB
			posm.allocators.big-io.slab-size           | -1KB   | -1KB   | a size cannot be negative               | a positive size below 2GB
			posm.allocators.big-io.thread-cache-blocks | -1     | -1     | negative number of blocks               | 0 (no thread cache)
			posm.agents.relay.cache-blocks             | -2     | -2     | negative number of blocks               | 0 (keep none)
			posm.agents.relay.allocator                | nope   | nope   | there is no allocator of that name      | default
			posm.default-allocator                     | nope   | nope   | there is no allocator of that name      | default
			""")
	void badValueStopsStartUp(String property, String value, String shownValue, String reason, String accepted) {
		PosmAllocator before = Posms.defaultAllocator();
		this.runner.withPropertyValues(property + "=" + value).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'" + property + "'")
				.contains("value '" + shownValue.replace("''", "") + "'")
				.contains(reason);
			assertThat(analysis.getAction()).contains("'" + property + "'").contains(accepted);
		});
		assertThat(Posms.defaultAllocator()).isSameAs(before);
	}

	@Test
	void unknownTypeListsEveryType() {
		this.runner.withPropertyValues("posm.allocators.big-io.type=fancy").run((context) -> {
			InvalidPosmPropertyException failure = invalidProperty(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("posm.allocators.big-io.type");
			assertThat(failure.getValue()).isEqualTo("fancy");
			assertThat(String.join(", ", failure.getAcceptedValues())).isEqualTo(TYPES);
		});
	}

	@Test
	void maxBlockSizeLargerThanMaxRetained() {
		this.runner
			.withPropertyValues("posm.allocators.big-io.max-block-size=2MB", "posm.allocators.big-io.max-retained=1MB")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'posm.allocators.big-io.max-block-size'")
					.contains("'2MB'")
					.contains("larger than posm.allocators.big-io.max-retained (1MB)");
				assertThat(analysis.getAction()).contains("a size up to 1MB")
					.contains("raise posm.allocators.big-io.max-retained");
			});
	}

	@Test
	void maxRetainedZeroKeepsNothingAndIsAccepted() {
		this.runner.withPropertyValues("posm.allocators.big-io.max-retained=0").run((context) -> {
			assertThat(context).hasNotFailed();
			PosmAllocator allocator = context.getBean("big-io", PosmAllocator.class);
			allocator.allocate(100).release();
			assertThat(allocator.stats().retainedBytes()).isZero();
		});
	}

	@Test
	void nettyWithoutNettyBuffer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.netty"))
			.withPropertyValues("posm.allocators.big-io.type=netty")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'posm.allocators.big-io.type'")
					.contains("'netty'")
					.contains("needs io.netty:netty-buffer on the classpath");
				assertThat(analysis.getAction()).contains("unpooled")
					.contains("netty (once io.netty:netty-buffer is on the classpath)");
			});
	}

	@Test
	void missingAllocatorListsTheAllocatorsThereAre() {
		this.runner.withPropertyValues("posm.allocators.big-io.type=pooled", "posm.agents.relay.allocator=big-oi")
			.run((context) -> {
				InvalidPosmPropertyException failure = invalidProperty(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("posm.agents.relay.allocator");
				assertThat(failure.getAcceptedValues()).containsExactly("big-io", "default");
			});
	}

	@Test
	void failureAnalysisEndsARealStartUp(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("posm.allocators.big-io.type=bogus");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'bogus' for property 'posm.allocators.big-io.type'")
			.contains("The accepted values of 'posm.allocators.big-io.type' are:")
			.contains("    recycling");
	}

	@Test
	void badLeakDetectionIsReportedByBootsBindingAnalysis(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("posm.leak-detection=sometimes");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("posm.leak-detection")
			.contains("sometimes")
			.containsIgnoringCase("paranoid");
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new InvalidPosmPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	private static InvalidPosmPropertyException invalidProperty(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof InvalidPosmPropertyException)) {
			cause = cause.getCause();
		}
		assertThat(cause).as("cause of %s", failure).isInstanceOf(InvalidPosmPropertyException.class);
		return (InvalidPosmPropertyException) cause;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
