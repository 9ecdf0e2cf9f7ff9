/**
 * The strategies behind posm's allocators: where free blocks of memory wait and how
 * they are found again. They deal in {@link dev.posm.alloc.Block blocks} only: leases,
 * operations, agents and counting live in {@code dev.posm}, above them, and a call never
 * runs from here back up.
 */
@NullMarked
package dev.posm.alloc;

import org.jspecify.annotations.NullMarked;
