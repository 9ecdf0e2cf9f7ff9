/**
 * Associated allocators: every asynchronous agent takes per-operation stable memory
 * (POSMs) from its allocator and gives it back before the operation completes.
 */
@NullMarked
package dev.posm;

import org.jspecify.annotations.NullMarked;
