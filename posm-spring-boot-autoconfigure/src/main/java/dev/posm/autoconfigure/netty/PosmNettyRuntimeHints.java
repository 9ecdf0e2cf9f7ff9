package dev.posm.autoconfigure.netty;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for posm's channel handler: Netty reads its annotations
 * ({@code @Sharable}, and {@code @Skip} on its methods) by reflection when the handler
 * joins a pipeline.
 *
 * @author posm
 */
class PosmNettyRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(BudgetGuard.class);
	}

}
