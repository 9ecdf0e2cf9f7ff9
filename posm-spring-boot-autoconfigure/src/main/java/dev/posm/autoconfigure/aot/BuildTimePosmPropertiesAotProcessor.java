package dev.posm.autoconfigure.aot;

import java.util.List;

import javax.lang.model.element.Modifier;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.generate.GeneratedMethod;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.aot.BeanFactoryInitializationCode;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.javapoet.CodeBlock;

/**
 * Records the {@link BuildTimePosmProperties} of the application being AOT-processed, and
 * adds their {@linkplain BuildTimePosmProperties#check(Environment) check} to the code
 * that initializes it at run time. Registered in {@code META-INF/spring/aot.factories},
 * so that it runs whether posm's auto-configuration applies or not: an application
 * processed with {@code posm.enabled=false} is stopped too when started with
 * {@code posm.enabled=true}.
 *
 * @author posm
 */
class BuildTimePosmPropertiesAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME)) {
			return null;
		}
		Environment environment = beanFactory.getBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME,
				Environment.class);
		BuildTimePosmProperties properties = BuildTimePosmProperties.of(environment);
		return (generationContext, code) -> addCheck(properties, code);
	}

	private static void addCheck(BuildTimePosmProperties properties, BeanFactoryInitializationCode code) {
		CodeBlock.Builder names = CodeBlock.builder();
		for (int i = 0; i < properties.allocators().size(); i++) {
			names.add((i > 0) ? ", $S" : "$S", properties.allocators().get(i));
		}
		GeneratedMethod method = code.getMethods().add("checkPosmBuildTimeProperties", (builder) -> {
			builder.addJavadoc("Stop if a posm property that was fixed at build time has another value now.");
			builder.addModifiers(Modifier.PRIVATE);
			builder.addParameter(Environment.class, "environment");
			builder.addStatement("new $T($L, $L, $T.of($L), $L, $L).check(environment)",
					BuildTimePosmProperties.class, properties.enabled(), properties.observationsEnabled(), List.class,
					names.build(), properties.nettyServerEnabled(), properties.nettyClientEnabled());
		});
		code.addInitializer(method.toMethodReference());
	}

}
