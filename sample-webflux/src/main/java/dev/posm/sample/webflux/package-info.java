/**
 * The reactive posm sample: a WebFlux service and a {@code WebClient} on Reactor Netty,
 * every connection a posm agent ({@code http-server}, {@code http-client}).
 */
@NullMarked
package dev.posm.sample.webflux;

import org.jspecify.annotations.NullMarked;
