package dev.posm.benchmarks.proxy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import dev.posm.Posm;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

/**
 * The bean: an agent whose every public method is an operation when it is called
 * through its {@code @AsyncAgent} proxy, and plain code otherwise.
 * <p>
 * Results stay between 0 and 127, which {@link Integer#valueOf(int)} serves from its
 * cache: no variant allocates a boxed result, so the bytes per call are the call's own.
 *
 * @author posm
 */
@AsyncAgent(ComputationService.AGENT)
public class ComputationService implements Computation {

	/** The agent name. */
	public static final String AGENT = "proxy-benchmark";

	/** The size of the POSM the methods that take one take. */
	public static final int POSM_SIZE = 4096;

	@Override
	public CompletableFuture<Integer> compute(int input) {
		return CompletableFuture.completedFuture(mix(input));
	}

	@Override
	public CompletableFuture<Integer> computeInReleasedPosm(int input) {
		Posm posm = Posms.allocate(POSM_SIZE);
		int result = mixThrough(posm.buffer(), input);
		posm.release();
		return CompletableFuture.completedFuture(result);
	}

	@Override
	public CompletableFuture<Integer> computeInHeldPosm(int input) {
		// not released: the operation reclaims it when it completes
		Posm posm = Posms.allocate(POSM_SIZE);
		return CompletableFuture.completedFuture(mixThrough(posm.buffer(), input));
	}

	private static int mixThrough(ByteBuffer buffer, int input) {
		// through the memory, at both ends, so that the POSM is really used
		buffer.putInt(0, input);
		buffer.putInt(POSM_SIZE - 4, input);
		return mix(buffer.getInt(0) ^ buffer.getInt(POSM_SIZE - 4) ^ input);
	}

	private static int mix(int input) {
		return (input * 31 + 7) & 0x7f;
	}

}
