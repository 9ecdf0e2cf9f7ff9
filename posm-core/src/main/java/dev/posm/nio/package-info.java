/**
 * NIO.2 channels whose operations take POSMs from the current context: a write copies
 * the caller's bytes into a POSM (the caller may reuse its buffer at once), a read into
 * a heap buffer goes through a direct POSM, and every POSM is released before the
 * caller's future or handler completes.
 * <p>
 * Where the memory of one call comes from, in this order:
 * <ol>
 * <li>the operation bound to the calling thread ({@link dev.posm.Posms#currentOperation()}),
 * which then must stay open until the call completes;</li>
 * <li>else the channel's {@link dev.posm.Agent}, if it was given one: each call is then
 * one operation of that agent, begun when the call starts and closed before the caller
 * completes;</li>
 * <li>else the default allocator ({@link dev.posm.Posms#defaultAllocator()}).</li>
 * </ol>
 */
@NullMarked
package dev.posm.nio;

import org.jspecify.annotations.NullMarked;
