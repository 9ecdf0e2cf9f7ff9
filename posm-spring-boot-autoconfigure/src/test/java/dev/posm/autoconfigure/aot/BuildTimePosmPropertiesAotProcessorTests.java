package dev.posm.autoconfigure.aot;

import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BuildTimePosmPropertiesAotProcessor}: a context with posm's
 * auto-configuration is AOT-processed with some properties, the generated code is
 * compiled, and a new context is started from it with others.
 *
 * @author posm
 */
@CompileWithForkedClassLoader
class BuildTimePosmPropertiesAotProcessorTests {

	@Test
	void allocatorsDefinedAtBuildTimeTakeTheirRunTimeSettings() {
		Map<String, Object> built = Map.of("posm.allocators.big-io.type", "pooled");
		runAotProcessed(built, Map.of("posm.allocators.big-io.type", "slab"), (context) -> {
			assertThat(context.getBeansOfType(PosmAllocator.class)).containsOnlyKeys("default", "big-io");
			assertThat(context.getBean("big-io", PosmAllocator.class).type()).isEqualTo("slab");
		});
	}

	@Test
	void anAllocatorDefinedAtBuildTimeMissingAtRunTimeStopsStartUp() {
		Map<String, Object> built = Map.of("posm.allocators.big-io.type", "pooled");
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> runAotProcessed(built, Map.of(), (context) -> {
			}))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("posm.allocators.big-io"));
	}

	@Test
	void enablingAtRunTimeWhatWasDisabledAtBuildTimeStopsStartUp() {
		// the auto-configuration does not apply at build time, and the check is there all the same
		assertThatExceptionOfType(PosmPropertyFixedAtBuildTimeException.class)
			.isThrownBy(() -> runAotProcessed(Map.of("posm.enabled", "false"), Map.of(), (context) -> {
			}))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("posm.enabled"));
	}

	@SuppressWarnings("unchecked")
	private void runAotProcessed(Map<String, Object> buildTime, Map<String, Object> runTime,
			Consumer<GenericApplicationContext> check) {
		AnnotationConfigApplicationContext buildContext = new AnnotationConfigApplicationContext();
		buildContext.setEnvironment(environment(buildTime));
		buildContext.register(PosmApplication.class);
		TestGenerationContext generationContext = new TestGenerationContext();
		ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(buildContext,
				generationContext);
		generationContext.writeGeneratedContent();
		TestCompiler.forSystem().with(generationContext).compile((compiled) -> {
			GenericApplicationContext context = new GenericApplicationContext();
			context.setEnvironment(environment(runTime));
			compiled.getInstance(ApplicationContextInitializer.class, initializerName.reflectionName())
				.initialize(context);
			context.refresh();
			try {
				check.accept(context);
			}
			finally {
				context.close();
			}
		});
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(PosmAutoConfiguration.class)
	static class PosmApplication {

	}

}
