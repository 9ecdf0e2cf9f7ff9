/**
 * Auto-configuration for posm: allocator beans from {@code posm.*} properties, the
 * agents bound to them, and the default allocator of the application.
 */
@NullMarked
package dev.posm.autoconfigure;

import org.jspecify.annotations.NullMarked;
