package dev.posm.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * Every key posm knows, read from {@link PosmProperties} the way the binder reads it
 * (JavaBean properties, {@code *} for a map key), with its type and default. A property
 * added to {@link PosmProperties} (or to a class nested in it) is known here at once:
 * the unknown-key check and the metadata test need no list of their own.
 *
 * @author posm
 */
final class PosmPropertyNames {

	static final String PREFIX = "posm";

	static final String MAP_KEY = "*";

	private static final List<Known> KNOWN = Collections.unmodifiableList(walk(PREFIX, PosmProperties.class));

	private PosmPropertyNames() {
	}

	/**
	 * Return every key posm knows, such as {@code posm.allocators.*.type}.
	 * @return the known keys, in the order of the properties classes
	 */
	static List<Known> known() {
		return KNOWN;
	}

	/**
	 * Return the known key that is nearest to a key posm does not know, with the map
	 * keys of the unknown one put in: {@code posm.agent.relay.allocator} gives
	 * {@code posm.agents.relay.allocator}.
	 * @param unknown the key, as the user wrote it
	 * @return the nearest known key
	 */
	static String nearest(String unknown) {
		String[] elements = elements(unknown);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (Known known : KNOWN) {
			String candidate = fill(known.name(), elements);
			int distance = distance(String.join(".", elements), candidate);
			if (distance < bestDistance) {
				best = candidate;
				bestDistance = distance;
			}
		}
		return (best != null) ? best : PREFIX;
	}

	private static String[] elements(String name) {
		ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(name, '.');
		String[] elements = new String[adapted.getNumberOfElements()];
		for (int i = 0; i < elements.length; i++) {
			elements[i] = adapted.getElement(i, ConfigurationPropertyName.Form.DASHED);
		}
		return elements;
	}

	/**
	 * Put the elements of a written key in place of the map keys of a known one, where
	 * the written key has an element at that place.
	 */
	private static String fill(String known, String[] written) {
		String[] elements = known.split("\\.");
		for (int i = 0; i < elements.length; i++) {
			if (MAP_KEY.equals(elements[i]) && i < written.length) {
				elements[i] = written[i];
			}
		}
		return String.join(".", elements);
	}

	/**
	 * Return the edit distance (insertions, deletions, substitutions) between two keys.
	 */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	private static List<Known> walk(String prefix, Class<?> type) {
		List<Known> known = new ArrayList<>();
		Object defaults = BeanUtils.instantiateClass(type);
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method getter = descriptor.getReadMethod();
			if (getter == null || getter.getDeclaringClass() == Object.class) {
				continue;
			}
			String name = prefix + "." + DataObjectPropertyName.toDashedForm(descriptor.getName());
			ResolvableType propertyType = ResolvableType.forMethodReturnType(getter);
			if (Map.class.isAssignableFrom(propertyType.toClass())) {
				Class<?> valueType = propertyType.asMap().getGeneric(1).toClass();
				known.addAll(isGroup(valueType) ? walk(name + "." + MAP_KEY, valueType)
						: List.of(new Known(name + "." + MAP_KEY, valueType, null)));
			}
			else if (isGroup(propertyType.toClass())) {
				known.addAll(walk(name, propertyType.toClass()));
			}
			else if (descriptor.getWriteMethod() != null) {
				known.add(new Known(name, propertyType.toClass(), ReflectionUtils.invokeMethod(getter, defaults)));
			}
		}
		return known;
	}

	/**
	 * Whether a type is a group of posm's own settings rather than a value.
	 */
	private static boolean isGroup(Class<?> type) {
		return type.getName().startsWith(PosmProperties.class.getName() + "$") && !type.isEnum();
	}

	/**
	 * A key posm knows.
	 *
	 * @param name the key, {@code *} for a map key
	 * @param type the type it binds to
	 * @param defaultValue its value when unset, {@code null} for none
	 */
	record Known(String name, Class<?> type, @Nullable Object defaultValue) {

	}

}
