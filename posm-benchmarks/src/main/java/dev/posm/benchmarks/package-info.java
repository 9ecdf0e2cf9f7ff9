/**
 * JMH benchmarks of posm against other buffer pools and the JDK; run
 * {@code java -jar posm-benchmarks/target/benchmarks.jar}.
 */
@NullMarked
package dev.posm.benchmarks;

import org.jspecify.annotations.NullMarked;
