package dev.posm.autoconfigure;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.posm.Agents;
import dev.posm.Posm;
import dev.posm.PosmAllocator;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests what {@code posm.enabled=false} means: posm takes no part, and code written for
 * {@code @AsyncAgent} (which leaves its POSMs to the operation) does not leak.
 *
 * @author posm
 */
@ExtendWith(OutputCaptureExtension.class)
class PosmDisabledTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, PosmDisabledAutoConfiguration.class))
		.withUserConfiguration(QuickStartConfiguration.class)
		.withPropertyValues("posm.enabled=false");

	@Test
	void quickStartCodeDoesNotLeakWhenDisabled(CapturedOutput output) {
		this.runner.run((context) -> {
			ChecksumService service = context.getBean(ChecksumService.class);
			assertThat(AopUtils.isAopProxy(service)).as("@AsyncAgent bean runs untouched").isFalse();
			assertThat(context).doesNotHaveBean(Agents.class).doesNotHaveBean(PosmAllocator.class);
			PosmAllocator allocator = Posms.defaultAllocator();
			long leaksBefore = allocator.leaks();
			for (int i = 0; i < 300; i++) {
				assertThat(service.sha256().join()).isEqualTo("65536 bytes");
			}
			// the dropped POSMs are collected ...
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				System.gc();
				return service.taken.stream().allMatch((taken) -> taken.get() == null);
			});
			// ... and none of them is reported, however long the cleaner takes
			await().during(Duration.ofMillis(750))
				.atMost(Duration.ofSeconds(2))
				.until(() -> allocator.leaks() == leaksBefore);
			assertThat(Posms.defaultAllocator()).isSameAs(allocator);
		});
		assertThat(output).doesNotContain("LEAK");
	}

	@Test
	void disabledHandsOutPlainHeapBuffersThatNothingTracks() {
		PosmAllocator before = Posms.defaultAllocator();
		this.runner.run((context) -> {
			PosmAllocator allocator = Posms.defaultAllocator();
			assertThat(allocator).isNotSameAs(before);
			assertThat(allocator.type()).isEqualTo("unpooled");
			assertThat(allocator.isDirect()).isFalse();
			assertThat(allocator.describe()).containsEntry("leakDetection", "disabled");
			Posm posm = Posms.allocate(100);
			assertThat(posm.buffer().capacity()).isEqualTo(100);
			posm.release();
		});
		assertThat(Posms.defaultAllocator()).isSameAs(before);
	}

	@Test
	void aRealStartUpWithPosmDisabledInstallsTheUntrackedAllocator() {
		PosmAllocator before = Posms.defaultAllocator();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("posm.enabled=false")
			.run()) {
			assertThat(context.getBeansOfType(PosmAllocator.class)).isEmpty();
			assertThat(Posms.defaultAllocator().describe()).containsEntry("leakDetection", "disabled");
			assertThat(Posms.defaultAllocator().isDirect()).isFalse();
		}
		assertThat(Posms.defaultAllocator()).isSameAs(before);
	}

	@Test
	void badValuesStopStartUpWhenDisabledToo() {
		this.runner.withPropertyValues("posm.allocators.big-io.max-retained=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidPosmPropertyException.class);
		});
	}

	@Test
	void enabledThatIsNeitherTrueNorFalseStopsStartUp() {
		this.runner.withPropertyValues("posm.enabled=maybe").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPosmPropertyFailureAnalyzer(null)
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Invalid value 'maybe' for property 'posm.enabled'")
				.contains("neither true nor false");
		});
	}

	@Test
	void enabledInstallsNoUntrackedAllocator() {
		this.runner.withPropertyValues("posm.enabled=true").run((context) -> {
			assertThat(Posms.defaultAllocator()).isSameAs(context.getBean("default", PosmAllocator.class));
			assertThat(Posms.defaultAllocator().isDirect()).isTrue();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	static class QuickStartConfiguration {

		@Bean
		ChecksumService checksumService() {
			return new ChecksumService();
		}

	}

	/**
	 * The README's quick start in short: a POSM taken and left to the operation.
	 */
	@AsyncAgent("checksum")
	static class ChecksumService {

		final List<WeakReference<Object>> taken = new CopyOnWriteArrayList<>();

		CompletableFuture<String> sha256() {
			Posm chunk = Posms.allocate(64 * 1024);
			this.taken.add(new WeakReference<>(chunk));
			this.taken.add(new WeakReference<>(chunk.buffer()));
			// no release(): posm takes the chunk back ... when it is enabled
			return CompletableFuture.completedFuture(chunk.buffer().capacity() + " bytes");
		}

	}

}
