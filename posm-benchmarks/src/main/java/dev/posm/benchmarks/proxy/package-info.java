/**
 * The cost of the {@code @AsyncAgent} proxy per call, against the same method called
 * directly and through a plain Spring proxy; run
 * {@code java -jar posm-benchmarks/target/benchmarks.jar AsyncAgentProxyBenchmark -prof gc}.
 */
@NullMarked
package dev.posm.benchmarks.proxy;

import org.jspecify.annotations.NullMarked;
