/**
 * The annotation that binds an allocator to asynchronous service methods.
 */
@NullMarked
package dev.posm.annotation;

import org.jspecify.annotations.NullMarked;
