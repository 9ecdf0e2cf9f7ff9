/**
 * The checksum service: an {@code @AsyncAgent} whose operations digest a request body
 * or a file through POSMs.
 */
@NullMarked
package dev.posm.sample.checksum;

import org.jspecify.annotations.NullMarked;
