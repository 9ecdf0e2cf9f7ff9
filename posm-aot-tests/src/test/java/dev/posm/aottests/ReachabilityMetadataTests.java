package dev.posm.aottests;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the native-image metadata that {@code process-aot} wrote in this module's build:
 * posm's hints reach it, and so do the class-based {@code @AsyncAgent} proxies generated
 * at build time. What a native image would be built with, short of building one.
 *
 * @author posm
 */
class ReachabilityMetadataTests {

	private static final String METADATA = "META-INF/native-image/dev.posm/posm-aot-tests/reachability-metadata.json";

	@Test
	void posmHintsAreInTheMetadata() throws IOException {
		Map<String, JsonNode> types = reflectedTypes();
		assertThat(types).containsKey("io.netty.buffer.PooledByteBufAllocator");
		// Netty reads a channel handler's annotations when it joins a pipeline
		assertThat(types).containsKey("dev.posm.autoconfigure.netty.BudgetGuard");
		assertThat(methodNames(types.get("java.lang.Thread"))).contains("isVirtual");
		assertThat(methodNames(types.get("dev.posm.autoconfigure.actuate.PosmEndpoint"))).contains("posm",
				"allocatorOrAgent", "trim");
		assertThat(methodNames(types.get("dev.posm.autoconfigure.actuate.PosmEndpoint$AllocatorDescriptor")))
			.contains("type", "retainedBytes", "details");
		assertThat(methodNames(types.get("dev.posm.autoconfigure.actuate.PosmEndpoint$AgentDescriptor")))
			.contains("allocator", "operations");
		assertThat(methodNames(types.get("dev.posm.autoconfigure.PosmProperties$Allocator")))
			.contains("setType", "setMaxRetained");
	}

	@Test
	void agentProxiesAreGeneratedAtBuildTime() throws IOException {
		Map<String, JsonNode> types = reflectedTypes();
		assertThat(types).containsKeys("dev.posm.aottests.Hasher$$SpringCGLIB$$0",
				"dev.posm.aottests.AgentGreeter$$SpringCGLIB$$0");
		assertThat(getClass().getClassLoader().getResource("dev/posm/aottests/Hasher$$SpringCGLIB$$0.class"))
			.isNotNull();
	}

	private Map<String, JsonNode> reflectedTypes() throws IOException {
		try (InputStream metadata = getClass().getClassLoader().getResourceAsStream(METADATA)) {
			assertThat(metadata).as(METADATA).isNotNull();
			Map<String, JsonNode> types = new HashMap<>();
			for (JsonNode entry : JsonMapper.builder().build().readTree(metadata).get("reflection")) {
				if (entry.get("type").isString()) {
					types.put(entry.get("type").asString(), entry);
				}
			}
			return types;
		}
	}

	private static List<String> methodNames(JsonNode type) {
		assertThat(type).isNotNull();
		List<String> names = new ArrayList<>();
		JsonNode methods = type.get("methods");
		if (methods != null) {
			methods.forEach((method) -> names.add(method.get("name").asString()));
		}
		return names;
	}

}
