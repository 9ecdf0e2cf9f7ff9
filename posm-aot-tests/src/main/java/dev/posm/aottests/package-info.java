/**
 * A small web application on the posm starter, AOT-processed in the build: an
 * {@code @AsyncAgent} service on a class and one on an interface, an allocator injected
 * by name, the endpoint and the meters.
 */
@NullMarked
package dev.posm.aottests;

import org.jspecify.annotations.NullMarked;
