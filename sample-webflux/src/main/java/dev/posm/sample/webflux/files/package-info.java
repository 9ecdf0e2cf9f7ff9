/**
 * Downloads of the files of one directory, read through {@code DataBufferUtils.read}.
 */
@NullMarked
package dev.posm.sample.webflux.files;

import org.jspecify.annotations.NullMarked;
