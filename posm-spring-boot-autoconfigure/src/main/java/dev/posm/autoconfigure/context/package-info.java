/**
 * Carries the current operation across threads: a task decorator for Spring's
 * executors, a schedule hook for Reactor's schedulers, and an accessor for Micrometer's
 * context-propagation library.
 */
@NullMarked
package dev.posm.autoconfigure.context;

import org.jspecify.annotations.NullMarked;
