/**
 * The route that calls a service (by default this one) through the auto-configured {@code WebClient}.
 */
@NullMarked
package dev.posm.sample.webflux.client;

import org.jspecify.annotations.NullMarked;
