/**
 * Spring AOT and native images: what posm fixes at build time and checks at run time,
 * and the hints a native image needs.
 */
@NullMarked
package dev.posm.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
