package dev.posm;

import java.util.concurrent.Callable;

/**
 * Runs test code with an operation bound to the calling thread, as an agent's own code
 * runs, and puts back what was bound before.
 *
 * @author posm
 */
final class InOperation {

	private InOperation() {
	}

	static <T> T call(Operation operation, Callable<T> work) throws Exception {
		Operation previous = Posms.setCurrentOperation(operation);
		try {
			return work.call();
		}
		finally {
			Posms.setCurrentOperation(previous);
		}
	}

	static void run(Operation operation, Runnable work) throws Exception {
		call(operation, () -> {
			work.run();
			return null;
		});
	}

}
