/**
 * The Actuator endpoint {@code posm}: every allocator and agent with its live numbers,
 * and a write operation that trims the allocators.
 */
@NullMarked
package dev.posm.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
