package dev.posm.test;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import dev.posm.Agents;

/**
 * Finds posm's {@link Agents} in the application context of a Spring test (one that
 * {@link SpringExtension} runs, as {@code @SpringBootTest} and {@code @SpringJUnitConfig}
 * do). Loaded only when Spring's test support is there.
 *
 * @author posm
 */
final class SpringTestAgents {

	private SpringTestAgents() {
	}

	static @Nullable Agents find(ExtensionContext context) {
		if (!isSpringTest(context.getRequiredTestClass())) {
			return null;
		}
		return SpringExtension.getApplicationContext(context).getBeanProvider(Agents.class).getIfUnique();
	}

	private static boolean isSpringTest(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			boolean extended = MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY)
				.stream(ExtendWith.class)
				.anyMatch((extendWith) -> Arrays.asList(extendWith.getClassArray("value")).contains(SpringExtension.class));
			if (extended) {
				return true;
			}
		}
		return false;
	}

}
