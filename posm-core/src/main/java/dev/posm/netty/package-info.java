/**
 * Netty's buffers on posm: {@link dev.posm.netty.PosmByteBufAllocator}, a
 * {@code ByteBufAllocator} whose buffers are POSMs of one agent. Load these classes
 * only when {@code io.netty:netty-buffer} is on the classpath.
 */
@NullMarked
package dev.posm.netty;

import org.jspecify.annotations.NullMarked;
