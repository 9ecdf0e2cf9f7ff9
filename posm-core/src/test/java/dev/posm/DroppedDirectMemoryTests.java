package dev.posm;

import java.util.ArrayList;
import java.util.List;

import dev.posm.alloc.DirectMemory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for what becomes of the memory of the direct blocks that posm drops: over
 * {@code max-retained}, trimmed, given back to an {@code unpooled} allocator or to a
 * closed one. Where {@link DirectMemory#freesAtOnce()} (Java 25, from the multi-release
 * jar), the process's resident memory falls at once, with no collection in between;
 * elsewhere the JDK's direct buffer pool still counts the memory until a collection.
 * The blocks are larger than the C library's mmap threshold, so a free gives them back
 * to the operating system at once.
 *
 * @author posm
 */
class DroppedDirectMemoryTests {

	private static final int MIB = 1024 * 1024;

	private static final int BLOCK = 64 * MIB;

	@BeforeEach
	void settle() {
		assumeTrue(ProcessMemory.isAvailable(), "the resident memory is read from /proc/self/status (Linux)");
		ProcessMemory.settle();
	}

	@Test
	void thisRunFreesAsItsBuildExpects() {
		// the build runs the tests once on target/classes and, on Java 25, again on the jar
		assertThat(DirectMemory.freesAtOnce()).isEqualTo(Boolean.getBoolean("posm.test.freesAtOnce"));
	}

	@Test
	void anUnpooledReleaseDropsItsBlock() {
		PosmAllocator allocator = Allocators.unpooled("unpooled-drops").build();
		List<Posm> posms = take(allocator, 2);
		assertDroppedMemoryFreed(2L * BLOCK, () -> releaseAll(posms));
		assertThat(allocator.stats().held()).isZero();
	}

	@Test
	void blocksOverMaxRetainedAreDropped() {
		PosmAllocator allocator = Allocators.pooled("over-max-retained").maxBlockSize(BLOCK).maxRetained(BLOCK).build();
		List<Posm> posms = take(allocator, 3);
		assertDroppedMemoryFreed(2L * BLOCK, () -> releaseAll(posms));
		assertThat(allocator.stats().retainedBytes()).isEqualTo(BLOCK);
		allocator.close();
	}

	@Test
	void aTrimDropsWhatThePoolAndTheAgentsKeep() {
		PosmAllocator allocator = Allocators.pooled("trimmed").maxBlockSize(BLOCK).maxRetained(4L * BLOCK).build();
		Agents agents = Agents.builder(allocator).build();
		List<Posm> taken = take(allocator, 1);
		try (Agent agent = agents.open("trimmed")) {
			try (Operation operation = agent.begin()) {
				operation.allocate(BLOCK).release();
			}
			releaseAll(taken);
			assertThat(allocator.stats().retainedBytes()).isEqualTo(BLOCK);
			assertThat(agent.cachedBytes()).isEqualTo(BLOCK);
			assertDroppedMemoryFreed(2L * BLOCK, allocator::trim);
			assertThat(agent.cachedBytes()).isZero();
		}
		assertThat(allocator.stats().retainedBytes()).isZero();
	}

	@Test
	void aCloseDropsWhatIsKeptAndAHeldBlockWhenItComesBack() {
		PosmAllocator allocator = Allocators.pooled("closed").maxBlockSize(BLOCK).maxRetained(4L * BLOCK).build();
		List<Posm> released = take(allocator, 2);
		List<Posm> held = take(allocator, 1);
		releaseAll(released);
		BlockPattern.write(held.get(0).buffer(), 7);
		assertDroppedMemoryFreed(2L * BLOCK, allocator::close);
		// the holder's memory outlives the close
		assertThat(BlockPattern.firstDamage(held.get(0).buffer(), 7)).isEqualTo(-1);
		assertDroppedMemoryFreed(BLOCK, () -> releaseAll(held));
	}

	@Test
	void aClosedSlabDropsItsRegionOnceTheLastCarvedBlockIsBack() {
		List<PosmAllocator> slab = new ArrayList<>(List.of(Allocators.slab("slab-region")
			.slabSize(2 * BLOCK)
			.maxBlockSize(BLOCK)
			.maxRetained(BLOCK)
			.build()));
		releaseAll(take(slab.get(0), 1));
		List<Posm> held = take(slab.get(0), 1);
		BlockPattern.write(held.get(0).buffer(), 11);
		assertNothingFreed(slab.get(0)::close);
		assertThat(BlockPattern.firstDamage(held.get(0).buffer(), 11)).isEqualTo(-1);
		assertDroppedMemoryFreed(2L * BLOCK, () -> {
			releaseAll(held);
			// the collector frees the region once nothing refers to the slab any more
			slab.clear();
		});
	}

	private static List<Posm> take(PosmAllocator allocator, int count) {
		List<Posm> posms = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			posms.add(allocator.allocate(BLOCK));
		}
		return posms;
	}

	/**
	 * Release the POSMs and forget them: a handle kept would keep its memory reachable.
	 */
	private static void releaseAll(List<Posm> posms) {
		posms.forEach(Posm::release);
		posms.clear();
	}

	/**
	 * Run a drop of the given bytes and check what became of them, with no collection
	 * in between.
	 */
	private static void assertDroppedMemoryFreed(long dropped, Runnable drop) {
		ProcessMemory before = ProcessMemory.now();
		drop.run();
		ProcessMemory after = ProcessMemory.now();
		assertThat(after.collections()).as("collections while dropping").isEqualTo(before.collections());
		long freed = before.residentBytes() - after.residentBytes();
		if (DirectMemory.freesAtOnce()) {
			assertThat(freed).as("resident bytes freed by the drop").isGreaterThan(dropped * 3 / 4);
			// arenas are not the JDK's direct buffers: posm's own stats count them
			assertThat(after.directPoolBytes()).as("direct buffer pool").isEqualTo(before.directPoolBytes());
		}
		else {
			assertThat(freed).as("resident bytes freed by the drop").isLessThan(dropped / 4);
			assertThat(after.directPoolBytes()).as("direct buffer pool after the drop")
				.isEqualTo(before.directPoolBytes());
			ProcessMemory.settle();
			assertThat(before.directPoolBytes() - ProcessMemory.now().directPoolBytes())
				.as("direct buffer pool after a collection")
				.isGreaterThanOrEqualTo(dropped);
		}
	}

	private static void assertNothingFreed(Runnable action) {
		ProcessMemory before = ProcessMemory.now();
		action.run();
		ProcessMemory after = ProcessMemory.now();
		assertThat(before.residentBytes() - after.residentBytes()).as("resident bytes freed").isLessThan(BLOCK / 4);
		assertThat(after.directPoolBytes()).as("direct buffer pool").isEqualTo(before.directPoolBytes());
	}

}
