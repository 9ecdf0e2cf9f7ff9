/**
 * Test support for applications on posm: {@link dev.posm.test.PosmLeakExtension} fails a
 * JUnit test that leaks a POSM or keeps memory held after it, {@link dev.posm.test.LeakCheck}
 * does the same for any stretch of a test.
 */
@NullMarked
package dev.posm.test;

import org.jspecify.annotations.NullMarked;
