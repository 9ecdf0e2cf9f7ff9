/**
 * Micrometer meters for posm: per allocator and per agent name, read from live state.
 */
@NullMarked
package dev.posm.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
