package dev.posm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import dev.posm.alloc.DirectMemory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for a stale view: a buffer that its holder got from {@link Posm#buffer()} and
 * kept past the release, when posm drops the block behind it. Where
 * {@link DirectMemory#freesAtOnce()}, every access through any view of the freed memory
 * throws, and none lands in the memory of the blocks taken next; elsewhere the memory
 * stays the view's until the collector finds it unreachable.
 *
 * @author posm
 */
class StaleViewTests {

	private static final int SIZE = 4096;

	/** The pattern the holder wrote before its release. */
	private static final long WRITTEN = 0x1234;

	/** The pattern of the blocks taken after the drop. */
	private static final long NEXT = 0x5678;

	@TempDir
	Path directory;

	static Stream<Arguments> drops() {
		return Stream.of(dropped("an unpooled release", Allocators.unpooled("stale-unpooled").build(), null),
				dropped("a release over max-retained", Allocators.pooled("stale-over").maxRetained(0).build(), null),
				dropped("a trim", Allocators.pooled("stale-trimmed").build(), PosmAllocator::trim),
				dropped("a close", Allocators.pooled("stale-closed").build(), PosmAllocator::close));
	}

	private static Arguments dropped(String name, PosmAllocator allocator, Consumer<PosmAllocator> after) {
		return Arguments.of(name, allocator, after);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("drops")
	void aStaleViewOfADroppedBlockNeverReachesFreedMemory(String drop, PosmAllocator allocator,
			Consumer<PosmAllocator> after) throws IOException {
		Posm posm = allocator.allocate(SIZE);
		ByteBuffer stale = posm.buffer();
		BlockPattern.write(stale, WRITTEN);
		List<ByteBuffer> views = List.of(stale, stale.duplicate(), stale.slice(0, SIZE), stale.asReadOnlyBuffer());
		posm.release();
		if (after != null) {
			after.accept(allocator);
		}
		// the blocks taken next may well get the same memory from the C library
		List<Posm> next = takeNext();
		if (DirectMemory.freesAtOnce()) {
			for (ByteBuffer view : views) {
				assertEveryAccessThrows(view);
			}
			assertThatIllegalStateException().isThrownBy(() -> stale.asLongBuffer().get(0));
			try (FileChannel file = FileChannel.open(this.directory.resolve("stale"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE)) {
				assertThatIllegalStateException().isThrownBy(() -> file.write(stale.duplicate()));
				assertThat(file.size()).isZero();
			}
			assertThatIllegalStateException().isThrownBy(() -> new CRC32().update(stale.duplicate()));
		}
		else {
			// never freed while a view of it is reachable: the memory is still what was written
			for (ByteBuffer view : views) {
				assertThat(BlockPattern.firstDamage(view, WRITTEN)).isEqualTo(-1);
			}
			stale.putLong(0, -1);
		}
		for (Posm taken : next) {
			assertThat(BlockPattern.firstDamage(taken.buffer(), NEXT)).as("a block taken after the drop").isEqualTo(-1);
			taken.release();
		}
		assertThat(allocator.stats().held()).isZero();
	}

	private static void assertEveryAccessThrows(ByteBuffer view) {
		assertThatIllegalStateException().isThrownBy(() -> view.get(0)).withMessageContaining("closed");
		assertThatIllegalStateException().isThrownBy(() -> view.getLong(SIZE - Long.BYTES));
		assertThatIllegalStateException().isThrownBy(() -> view.get(0, new byte[64]));
		assertThatIllegalStateException().isThrownBy(() -> ByteBuffer.allocate(SIZE).put(view.duplicate().clear()));
		if (!view.isReadOnly()) {
			assertThatIllegalStateException().isThrownBy(() -> view.put(0, (byte) 1));
			assertThatIllegalStateException().isThrownBy(() -> view.putLong(8, -1));
			assertThatIllegalStateException().isThrownBy(() -> view.put(0, new byte[64]));
			assertThatIllegalStateException().isThrownBy(() -> view.duplicate().clear().put(ByteBuffer.allocate(64)));
		}
	}

	private static List<Posm> takeNext() {
		PosmAllocator allocator = Allocators.unpooled("stale-next").build();
		List<Posm> next = new ArrayList<>();
		for (int i = 0; i < 32; i++) {
			Posm posm = allocator.allocate(SIZE);
			BlockPattern.write(posm.buffer(), NEXT);
			next.add(posm);
		}
		return next;
	}

}
