package dev.posm.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

import dev.posm.AllocatorType;
import dev.posm.LeakDetection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the configuration metadata that the build generates (the annotation processor's
 * output merged with {@code additional-spring-configuration-metadata.json}), read from
 * the module's own jar content: every key that {@link PosmProperties} binds, map values
 * included, is there with a description, its type, its default and, where the values
 * are a fixed set, hints for them; and there is no entry for a key posm does not bind.
 *
 * @author posm
 */
class PosmConfigurationMetadataTests {

	private static List<Map<String, Object>> properties;

	private static List<Map<String, Object>> hints;

	@BeforeAll
	static void readGeneratedMetadata() throws IOException {
		// the module's own output, not one of the Boot jars' files of the same name
		URL classes = PosmProperties.class.getProtectionDomain().getCodeSource().getLocation();
		URL metadata = new URL(classes, "META-INF/spring-configuration-metadata.json");
		try (InputStream json = metadata.openStream()) {
			Object document = JsonPath.parse(json).json();
			properties = JsonPath.read(document, "$.properties");
			hints = JsonPath.read(document, "$.hints");
		}
	}

	static List<PosmPropertyNames.Known> knownKeys() {
		return PosmPropertyNames.known();
	}

	@Test
	void everyMapValueKeyOfTheIssueIsKnown() {
		assertThat(knownKeys()).extracting(PosmPropertyNames.Known::name)
			.contains("posm.allocators.*.type", "posm.allocators.*.direct", "posm.allocators.*.max-block-size",
					"posm.allocators.*.max-retained", "posm.allocators.*.thread-cache-blocks",
					"posm.allocators.*.slab-size", "posm.agents.*.allocator", "posm.agents.*.cache-blocks",
					"posm.agents.*.max-bytes-in-use", "posm.agents.*.max-total-bytes-in-use");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("knownKeys")
	void everyKeyHasDescriptionTypeAndDefault(PosmPropertyNames.Known known) {
		Map<String, Object> property = property(known.name());
		assertThat(property).as("metadata of %s", known.name()).isNotNull();
		assertThat((String) property.get("description")).as("description of %s", known.name()).isNotBlank();
		assertThat(property.get("type")).as("type of %s", known.name())
			.isEqualTo(ClassUtils.resolvePrimitiveIfNecessary(known.type()).getName());
		assertThat(property.get("defaultValue")).as("default of %s", known.name())
			.isEqualTo(asMetadata(known.defaultValue()));
	}

	@Test
	void everyFixedSetOfValuesHasHints() {
		assertThat(hintValues("posm.allocators.*.type")).containsExactly(ids(AllocatorType.values()));
		assertThat(hintValues("posm.leak-detection")).containsExactly(ids(LeakDetection.values()));
		for (PosmPropertyNames.Known known : knownKeys()) {
			if (known.type().isEnum()) {
				assertThat(hint(known.name())).as("hints of %s", known.name()).isNotNull();
				assertThat(hintValues(known.name())).containsExactlyInAnyOrder(ids(known.type().getEnumConstants()));
			}
		}
	}

	@Test
	void allocatorNamesAreHintedAsAllocatorBeans() {
		for (String name : List.of("posm.agents.*.allocator", "posm.default-allocator")) {
			assertThat(hint(name)).as("hints of %s", name).isNotNull();
			List<Map<String, Object>> providers = (List<Map<String, Object>>) hint(name).get("providers");
			assertThat(providers).singleElement()
				.satisfies((provider) -> assertThat(provider).containsEntry("name", "spring-bean-reference")
					.containsEntry("parameters", Map.of("target", "dev.posm.PosmAllocator")));
		}
	}

	@Test
	void mapsKeepTheirValueTypeForIdes() {
		assertThat(property("posm.allocators")).containsEntry("type",
				"java.util.Map<java.lang.String,dev.posm.autoconfigure.PosmProperties$Allocator>");
		assertThat(property("posm.agents")).containsEntry("type",
				"java.util.Map<java.lang.String,dev.posm.autoconfigure.PosmProperties$Agent>");
		assertThat(hint("posm.allocators.keys")).isNotNull();
		assertThat(hint("posm.agents.keys")).isNotNull();
	}

	@Test
	void noEntryForAKeyPosmDoesNotBind() {
		List<String> known = knownKeys().stream().map(PosmPropertyNames.Known::name).toList();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			if (name.startsWith("posm.") && !((String) property.get("type")).startsWith("java.util.Map")) {
				assertThat(known).as("keys bound by PosmProperties").contains(name);
			}
		}
		for (Map<String, Object> hint : hints) {
			String name = ((String) hint.get("name")).replaceAll("\\.keys$", "");
			assertThat(known.contains(name) || property(name) != null).as("property of the hint %s", name).isTrue();
		}
	}

	private static Map<String, Object> property(String name) {
		return properties.stream().filter((property) -> name.equals(property.get("name"))).findFirst().orElse(null);
	}

	private static Map<String, Object> hint(String name) {
		return hints.stream().filter((hint) -> name.equals(hint.get("name"))).findFirst().orElse(null);
	}

	private static List<String> hintValues(String name) {
		List<String> values = new ArrayList<>();
		for (Map<String, Object> value : (List<Map<String, Object>>) hint(name).get("values")) {
			assertThat((String) value.get("description")).as("description of %s in %s", value.get("value"), name)
				.isNotBlank();
			values.add((String) value.get("value"));
		}
		return values;
	}

	private static String[] ids(Object[] constants) {
		String[] ids = new String[constants.length];
		for (int i = 0; i < constants.length; i++) {
			ids[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
		}
		return ids;
	}

	/**
	 * Return a default as the metadata writes it.
	 */
	private static Object asMetadata(Object value) {
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase(Locale.ROOT);
		}
		if (value instanceof DataSize size) {
			long bytes = size.toBytes();
			return (bytes % (1 << 20) == 0) ? (bytes >> 20) + "MB"
					: (bytes % (1 << 10) == 0) ? (bytes >> 10) + "KB" : bytes + "B";
		}
		return value;
	}

}
