package dev.posm.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;
import dev.posm.Posms;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of {@code posm.enabled=false}: posm
 * takes no part (no allocator beans, no agents, {@code @AsyncAgent} methods run
 * untouched), and {@link Posms#allocate(int)} hands out plain heap buffers that nothing
 * tracks and the garbage collector frees. Code written for {@code @AsyncAgent}, which
 * leaves its POSMs to the operation, then does not leak: without this, it would take
 * them from posm's built-in allocator, which reports every one of them as a leak. The
 * {@code posm.*} properties are checked as when posm is enabled, so that turning posm
 * off hides no mistake. Active whenever {@link PosmAutoConfiguration} is not, so that a
 * value of {@code posm.enabled} that is neither {@code true} nor {@code false} is
 * reported rather than leaving both off.
 *
 * @author posm
 */
@AutoConfiguration
@Conditional(PosmDisabledAutoConfiguration.PosmNotEnabledCondition.class)
public final class PosmDisabledAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DefaultAllocatorInstaller posmDefaultAllocatorInstaller(Environment environment,
			ConfigurableListableBeanFactory beanFactory) {
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		PosmPropertiesChecks.bind(environment,
				(classLoader != null) ? classLoader : PosmDisabledAutoConfiguration.class.getClassLoader());
		return new DefaultAllocatorInstaller(untracked());
	}

	/**
	 * Return the allocator of a disabled posm: a fresh heap buffer per POSM, no leak
	 * detection; what is not released is garbage like any other object.
	 * @return a new allocator
	 */
	static PosmAllocator untracked() {
		return Allocators.unpooled(PosmProperties.DEFAULT_ALLOCATOR_NAME)
			.direct(false)
			.leakDetection(LeakDetection.DISABLED)
			.build();
	}

	/**
	 * Matches when {@code posm.enabled} is not {@code true} (nor missing): {@code false},
	 * or a value that the checks then refuse.
	 */
	static final class PosmNotEnabledCondition extends NoneNestedConditions {

		PosmNotEnabledCondition() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnBooleanProperty(name = "posm.enabled", matchIfMissing = true)
		static final class Enabled {

		}

	}

}
