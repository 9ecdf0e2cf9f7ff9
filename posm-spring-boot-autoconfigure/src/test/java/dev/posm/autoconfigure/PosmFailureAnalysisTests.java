package dev.posm.autoconfigure;

import java.util.List;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import dev.posm.PosmAllocator;
import dev.posm.Posms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
			posm.allocators.big-io.type                | POOLD  | POOLD  | there is no allocator type of that name | recycling
			posm.allocators.big-io.type                | ''     | ''     | a value is required                     | slab
			posm.allocators.big-io.max-block-size      | -1     | -1     | a size cannot be negative               | a size from 1B to 1GB
			posm.allocators.big-io.max-block-size      | 0      | 0      | makes no sense here                     | a size from 1B to 1GB
			posm.allocators.big-io.max-block-size      | lots   | lots   | it is not a size                        | a size such as 512KB or 64MB
			posm.allocators.big-io.max-block-size      | 2GB    | 2GB    | larger than 1GB                         | a size from 1B to 1GB
			posm.allocators.big-io.max-retained        | -64MB  | -64MB  | a size cannot be negative               | 0 (keep nothing)
			posm.allocators.big-io.slab-size           | 0      | 0      | makes no sense here                     | a positive size below 2GB
			posm.allocators.big-io.slab-size           | -1KB   | -1KB   | a size cannot be negative               | a positive size below 2GB
			posm.allocators.big-io.thread-cache-blocks | -1     | -1     | negative number of blocks               | 0 (no thread cache)
			posm.agents.relay.cache-blocks             | -2     | -2     | negative number of blocks               | 0 (keep none)
			posm.agents.relay.cache-blocks             | two    | two    | it is not a whole number                | a whole number
			posm.agents.relay.cache-blocks             | 100000 | 100000 | an agent keeps at most 16 blocks        | a number of blocks from 0 to 16
			posm.agents.relay.max-bytes-in-use         | -1KB   | -1KB   | a size cannot be negative               | a positive size, such as 256KB
			posm.agents.relay.max-bytes-in-use         | 0      | 0      | would refuse every POSM                 | or leave it out for no budget
			posm.agents.relay.max-total-bytes-in-use   | -8MB   | -8MB   | a size cannot be negative               | a positive size, such as 256KB
			posm.allocators.big-io.direct              | maybe  | maybe  | neither true nor false                  | false
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
	void maxRetainedBelowTheDefaultMaxBlockSizeBlamesMaxRetained() {
		this.runner.withPropertyValues("posm.allocators.big-io.max-retained=512KB").run((context) -> {
			InvalidPosmPropertyException failure = invalidProperty(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("posm.allocators.big-io.max-retained");
			assertThat(failure.getValue()).isEqualTo("512KB");
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'posm.allocators.big-io.max-retained'")
				.contains("smaller than posm.allocators.big-io.max-block-size, which you did not set: its default is 1MB");
			assertThat(analysis.getAction()).contains("a size of at least 1MB")
				.contains("or also set posm.allocators.big-io.max-block-size to at most 512KB");
		});
	}

	@Test
	void maxBlockSizeAboveTheDefaultMaxRetainedSaysItIsTheDefault() {
		this.runner.withPropertyValues("posm.allocators.big-io.max-block-size=128MB").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Invalid value '128MB' for property 'posm.allocators.big-io.max-block-size'")
				.contains("larger than the default of posm.allocators.big-io.max-retained (64MB)");
		});
	}

	@Test
	void relaxedNamesAreNamedAsWritten() {
		this.runner.withPropertyValues("posm.allocators.big-io.maxRetained=512KB").run((context) -> {
			InvalidPosmPropertyException failure = invalidProperty(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("posm.allocators.big-io.max-retained");
			assertThat(failure.getValue()).isEqualTo("512KB");
			assertThat(failure.getReason()).contains("which you did not set");
		});
	}

	@Test
	void anAllocatorGivenAsAValueListsItsSettings() {
		this.runner.withPropertyValues("posm.allocators.big-io=pooled").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Invalid value 'pooled' for property 'posm.allocators.big-io'")
				.contains("a group of settings, not a value");
			assertThat(analysis.getAction()).contains("posm.allocators.big-io.type")
				.contains("posm.allocators.big-io.max-retained");
		});
	}

	@Test
	void bindFailureUnderPosmIsAnalyzedByPosmBeforeBoot() {
		MockEnvironment environment = new MockEnvironment().withProperty("posm.leak-detection", "Sometimes");
		BindException failure = catchThrowableOfType(BindException.class,
				() -> Binder.get(environment).bind("posm", PosmProperties.class));
		FailureAnalysis analysis = new InvalidPosmPropertyFailureAnalyzer(environment).analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Invalid value 'Sometimes' for property 'posm.leak-detection'")
			.contains("there is no leak detection level of that name");
		assertThat(analysis.getAction()).contains("    simple");
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, environment)
				.and(BeanFactory.class, new DefaultListableBeanFactory()),
					// some of Boot's analyzers need what only a running application has
					FailureHandler.logging(LogFactory.getLog(PosmFailureAnalysisTests.class)));
		List<String> names = analyzers.stream().map((analyzer) -> analyzer.getClass().getSimpleName()).toList();
		assertThat(names).contains("BindFailureAnalyzer");
		assertThat(names.indexOf("InvalidPosmPropertyFailureAnalyzer")).isNotNegative()
			.isLessThan(names.indexOf("BindFailureAnalyzer"));
	}

	@Test
	void bindFailureOutsidePosmIsLeftToBoot() {
		MockEnvironment environment = new MockEnvironment().withProperty("other.size", "lots");
		BindException failure = catchThrowableOfType(BindException.class,
				() -> Binder.get(environment).bind("other.size", DataSize.class));
		assertThat(new InvalidPosmPropertyFailureAnalyzer(environment).analyze(failure)).isNull();
	}

	@Test
	void slabWithHeapBuffersIsRefused() {
		this.runner
			.withPropertyValues("posm.allocators.big-io.type=slab", "posm.allocators.big-io.direct=false")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Invalid value 'false' for property 'posm.allocators.big-io.direct'")
					.contains("a slab is always direct");
				assertThat(analysis.getAction()).contains("another type such as pooled");
			});
	}

	@Test
	void slabWithDirectBuffersStarts() {
		this.runner
			.withPropertyValues("posm.allocators.big-io.type=slab", "posm.allocators.big-io.direct=true",
					"posm.allocators.big-io.slab-size=1MB")
			.run((context) -> assertThat(context.getBean("big-io", PosmAllocator.class).isDirect()).isTrue());
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
	void badLeakDetectionIsReportedByPosmInTheWordsOfTheDocs(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("posm.leak-detection=sometimes");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'sometimes' for property 'posm.leak-detection'")
			.contains("Reason: there is no leak detection level of that name")
			.contains("    disabled" + System.lineSeparator())
			.contains("    paranoid")
			.doesNotContain("PARANOID");
	}

	@Test
	void everyValueNamesWhereItWasWritten(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.location=classpath:posm-invalid/negative-size.yml");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("Invalid value '-1' for property 'posm.allocators.big-io.max-block-size' "
				+ "(originating from 'class path resource [posm-invalid/negative-size.yml] - 5:23')");
	}

	@Test
	void aValueThatIsNotOfItsTypeNamesWhereItWasWritten(CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.location=classpath:posm-invalid/not-a-size.yml");
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("Invalid value 'lots' for property 'posm.allocators.big-io.max-retained' "
				+ "(originating from 'class path resource [posm-invalid/not-a-size.yml] - 5:21')")
			.contains("Reason: it is not a size")
			.contains("a size such as 512KB or 64MB");
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new InvalidPosmPropertyFailureAnalyzer(null).analyze(failure);
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
