/**
 * Meters the WebFlux load bench reads: heap allocated by the JVM and the peaks of direct memory.
 */
@NullMarked
package dev.posm.sample.webflux.metrics;

import org.jspecify.annotations.NullMarked;
