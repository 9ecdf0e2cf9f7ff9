package dev.posm.benchmarks.proxy;

import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous method every variant calls: something tiny, its result already
 * complete, so that what is measured is the call and not the work.
 *
 * @author posm
 */
public interface Computation {

	/**
	 * Compute without memory.
	 * @param input the input
	 * @return the result, complete
	 */
	CompletableFuture<Integer> compute(int input);

	/**
	 * Compute in a 4 KiB POSM of the current operation, released before returning.
	 * @param input the input
	 * @return the result, complete
	 */
	CompletableFuture<Integer> computeInReleasedPosm(int input);

	/**
	 * Compute in a 4 KiB POSM of the current operation, left for the operation to
	 * reclaim when it completes.
	 * @param input the input
	 * @return the result, complete
	 */
	CompletableFuture<Integer> computeInHeldPosm(int input);

}
