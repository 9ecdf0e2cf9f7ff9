/**
 * The posm sample application: an asynchronous TCP relay and a checksum service, both
 * taking their memory from posm's allocators through their agents.
 */
@NullMarked
package dev.posm.sample;

import org.jspecify.annotations.NullMarked;
