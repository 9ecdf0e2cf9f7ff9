/**
 * An asynchronous TCP relay: every connection is one agent, every chunk it relays one
 * operation with one POSM.
 */
@NullMarked
package dev.posm.sample.relay;

import org.jspecify.annotations.NullMarked;
