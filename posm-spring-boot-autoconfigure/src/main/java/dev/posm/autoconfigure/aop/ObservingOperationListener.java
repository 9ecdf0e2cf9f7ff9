package dev.posm.autoconfigure.aop;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.posm.Operation;

/**
 * Records each operation as a Micrometer {@link Observation} named
 * {@value #NAME}, with the low-cardinality keys {@code agent} and {@code outcome}
 * ({@code success} or {@code error}): users with tracing see agent operations as spans,
 * users with metrics get a timer per agent.
 *
 * @author posm
 */
public final class ObservingOperationListener implements OperationListener {

	/** The name of the observation of an operation. */
	public static final String NAME = "posm.operation";

	private static final KeyValue SUCCESS = KeyValue.of("outcome", "success");

	private static final KeyValue ERROR = KeyValue.of("outcome", "error");

	private final ObservationRegistry registry;

	/**
	 * Create a listener that records into the given registry.
	 * @param registry the observation registry
	 */
	public ObservingOperationListener(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Scope begun(Operation operation) {
		String agent = operation.agent().name();
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName("posm " + agent)
			.lowCardinalityKeyValue("agent", agent)
			.start();
		operation.whenClosed(() -> observation.lowCardinalityKeyValue(operation.isFailed() ? ERROR : SUCCESS).stop());
		Observation.Scope scope = observation.openScope();
		return scope::close;
	}

}
