package dev.posm;

import dev.posm.alloc.DirectMemory;

/**
 * Started in a JVM of its own by {@link DirectMemoryPropertyTests}: prints how this JVM
 * frees dropped direct memory, whether a direct and a heap allocator can be built, and
 * how much of a direct POSM the JDK's direct buffer pool counts.
 *
 * @author posm
 */
public final class DirectMemoryProbe {

	private DirectMemoryProbe() {
	}

	public static void main(String[] args) {
		System.out.println("heap=" + build(false));
		String direct = build(true);
		System.out.println("direct=" + direct);
		if (direct.equals("built")) {
			System.out.println("freesAtOnce=" + DirectMemory.freesAtOnce());
			PosmAllocator allocator = Allocators.unpooled("probe").build();
			long before = ProcessMemory.now().directPoolBytes();
			Posm posm = allocator.allocate(1 << 20);
			System.out.println("directPoolBytes=" + (ProcessMemory.now().directPoolBytes() - before));
			posm.release();
		}
	}

	private static String build(boolean direct) {
		try {
			Allocators.pooled("probe-" + direct).direct(direct).build().close();
			return "built";
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

}
