/**
 * Reactor Netty on posm: every connection of a Reactor Netty server (WebFlux) or client
 * ({@code WebClient}, {@code RestClient}) gets an opened agent of its own as its
 * channel's allocator, closed with the channel, and names the request it serves in the
 * leak reports of its buffers.
 */
@NullMarked
package dev.posm.autoconfigure.netty;

import org.jspecify.annotations.NullMarked;
