package dev.posm.autoconfigure.actuate;

import dev.posm.Agents;
import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.aot.PosmEndpointRuntimeHints;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link PosmEndpoint}.
 *
 * @author posm
 */
@AutoConfiguration(afterName = "dev.posm.autoconfigure.PosmAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(Agents.class)
@ImportRuntimeHints(PosmEndpointRuntimeHints.class)
public final class PosmEndpointAutoConfiguration {

	// on the method, not the class: its condition class must not be loaded without the
	// actuator's auto-configuration on the classpath
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(PosmEndpoint.class)
	PosmEndpoint posmEndpoint(Agents agents, ObjectProvider<PosmAllocator> allocators) {
		return new PosmEndpoint(agents, allocators.orderedStream().toList());
	}

}
