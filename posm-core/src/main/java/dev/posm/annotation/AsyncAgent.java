package dev.posm.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean, or one of its methods, as an asynchronous agent: each call of an
 * annotated method is one operation of the agent, and every POSM the operation takes
 * is released before the caller sees the method's result complete.
 * <p>
 * On a type, every public method of the bean is an operation of the same agent; an
 * annotation on a method overrides the one on its type.
 *
 * @author posm
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface AsyncAgent {

	/**
	 * Name of the agent. Empty: the simple name of the bean class in kebab-case
	 * ({@code ChecksumService} is {@code checksum-service}).
	 * @return the agent name
	 */
	String value() default "";

	/**
	 * Name of the allocator the agent takes its POSMs from, used unless
	 * {@code posm.agents.<agent>.allocator} names one. Empty: the default allocator.
	 * @return the allocator name
	 */
	String allocator() default "";

}
