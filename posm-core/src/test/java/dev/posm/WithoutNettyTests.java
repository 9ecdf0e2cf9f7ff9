package dev.posm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that posm-core works without Netty, an optional dependency: only the
 * {@code netty} type is unavailable, with a clear message.
 *
 * @author posm
 */
class WithoutNettyTests {

	@Test
	void everyOtherTypeIsAvailableAndNettyIsRefusedClearly() throws Exception {
		URL classes = Allocators.class.getProtectionDomain().getCodeSource().getLocation();
		// posm-core's classes alone, over the platform: no Netty to be found
		try (URLClassLoader withoutNetty = new URLClassLoader(new URL[] { classes },
				ClassLoader.getPlatformClassLoader())) {
			Class<?> allocators = withoutNetty.loadClass(Allocators.class.getName());
			Class<?> types = withoutNetty.loadClass(AllocatorType.class.getName());
			Method isAvailable = allocators.getMethod("isAvailable", types, ClassLoader.class);
			Method builder = allocators.getMethod("builder", types, String.class);
			for (Object type : types.getEnumConstants()) {
				boolean available = (boolean) isAvailable.invoke(null, type, withoutNetty);
				assertThat(available).as(type.toString()).isEqualTo(!type.toString().equals("NETTY"));
				Object typeBuilder = builder.invoke(null, type, "no-netty");
				Method build = typeBuilder.getClass().getMethod("build");
				if (available) {
					Object allocator = build.invoke(typeBuilder);
					Class<?> allocatorType = withoutNetty.loadClass(PosmAllocator.class.getName());
					Object posm = allocatorType.getMethod("allocate", int.class).invoke(allocator, 100);
					withoutNetty.loadClass(Posm.class.getName()).getMethod("release").invoke(posm);
				}
				else {
					InvocationTargetException failure = org.junit.jupiter.api.Assertions
						.assertThrows(InvocationTargetException.class, () -> build.invoke(typeBuilder));
					assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class)
						.hasMessage("Allocator 'no-netty' of type netty needs io.netty:netty-buffer on the classpath");
				}
			}
		}
	}

}
