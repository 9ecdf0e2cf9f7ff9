package dev.posm.alloc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jspecify.annotations.Nullable;

/**
 * Tells virtual threads apart on Java 21+ while compiling for Java 17.
 *
 * @author posm
 */
public final class VirtualThreads {

	private static final @Nullable MethodHandle IS_VIRTUAL = findIsVirtual();

	private VirtualThreads() {
	}

	/**
	 * Return whether the given thread is a virtual thread.
	 * @param thread the thread
	 * @return {@code true} for a virtual thread, always {@code false} before Java 21
	 */
	public static boolean isVirtual(Thread thread) {
		MethodHandle isVirtual = IS_VIRTUAL;
		if (isVirtual == null) {
			return false;
		}
		try {
			return (boolean) isVirtual.invokeExact(thread);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Thread.isVirtual() failed", ex);
		}
	}

	private static @Nullable MethodHandle findIsVirtual() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (NoSuchMethodException | IllegalAccessException ex) {
			return null;
		}
	}

}
