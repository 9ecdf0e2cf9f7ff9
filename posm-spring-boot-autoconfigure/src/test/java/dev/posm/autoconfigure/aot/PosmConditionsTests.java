package dev.posm.autoconfigure.aot;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards {@link BuildTimePosmProperties}: every {@code posm.*} property that a condition
 * of posm's auto-configuration reads is decided at build time under Spring AOT, so the
 * start-up check must know it.
 *
 * @author posm
 */
class PosmConditionsTests {

	@Test
	void everyPropertyConditionIsCheckedAtStartUp() throws ClassNotFoundException {
		Set<String> properties = new TreeSet<>();
		ClassLoader classLoader = getClass().getClassLoader();
		for (String candidate : ImportCandidates.load(AutoConfiguration.class, classLoader)) {
			if (candidate.startsWith("dev.posm.")) {
				collect(ClassUtils.forName(candidate, classLoader), properties);
			}
		}
		// what BuildTimePosmProperties compares; a new one needs adding there, then here
		assertThat(properties).containsExactly("posm.enabled", "posm.netty.client.enabled", "posm.netty.server.enabled",
				"posm.observations.enabled");
	}

	private static void collect(Class<?> type, Set<String> properties) {
		collectFrom(type, properties);
		for (Method method : type.getDeclaredMethods()) {
			collectFrom(method, properties);
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			collect(nested, properties);
		}
	}

	private static void collectFrom(AnnotatedElement element, Set<String> properties) {
		MergedAnnotations annotations = MergedAnnotations.from(element);
		annotations.stream(ConditionalOnBooleanProperty.class).forEach((condition) -> add(condition, properties));
		annotations.stream(ConditionalOnProperty.class).forEach((condition) -> add(condition, properties));
	}

	private static void add(MergedAnnotation<?> condition, Set<String> properties) {
		String prefix = condition.getString("prefix");
		String[] names = condition.getStringArray("name");
		if (names.length == 0) {
			names = condition.getStringArray("value");
		}
		for (String name : names) {
			String property = prefix.isEmpty() ? name : prefix + "." + name;
			if (property.startsWith("posm.")) {
				properties.add(property);
			}
		}
	}

}
