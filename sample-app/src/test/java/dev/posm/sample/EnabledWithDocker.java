package dev.posm.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class only where Docker is available. Where it is not, the
 * class is skipped with one INFO line, instead of the ERROR that Testcontainers logs
 * while it looks for Docker: a skip must not look like a failure in a green build.
 * Put it before {@code @Testcontainers}, which then needs no {@code disabledWithoutDocker}.
 *
 * @author posm
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(DockerCondition.class)
public @interface EnabledWithDocker {

	/**
	 * What runs the same checks without Docker, named in the skip message.
	 * @return the test that stands in for the annotated one
	 */
	String otherwise() default "";

}
