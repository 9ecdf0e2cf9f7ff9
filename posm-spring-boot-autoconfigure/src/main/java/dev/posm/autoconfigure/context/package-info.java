/**
 * Carries the current operation across threads with Micrometer's context-propagation
 * library.
 */
@NullMarked
package dev.posm.autoconfigure.context;

import org.jspecify.annotations.NullMarked;
