/**
 * The {@code @AsyncAgent} advisor: every call of an annotated method is one operation of
 * its agent, completed before the caller sees the result complete.
 */
@NullMarked
package dev.posm.autoconfigure.aop;

import org.jspecify.annotations.NullMarked;
