package dev.posm.netty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.PosmAllocator;
import dev.posm.PosmBudgetExceededException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PosmByteBufAllocator} and its buffers, one at a time.
 *
 * @author posm
 */
class PosmByteBufAllocatorTests {

	private final PosmAllocator direct = Allocators.pooled("netty-direct").build();

	private final PosmAllocator heap = Allocators.pooled("netty-heap").direct(false).build();

	private final Agents agents = Agents.builder(this.direct)
		.allocator("heap-connection", this.heap)
		.maxBytesInUse("small-connection", 8192)
		.build();

	private final Agent connection = this.agents.open("connection");

	private final PosmByteBufAllocator allocator = new PosmByteBufAllocator(this.connection);

	@AfterEach
	void close() {
		this.connection.close();
		this.direct.close();
		this.heap.close();
	}

	@Test
	void aBufferIsAPosmOfTheAgentOfTheSizeAskedFor() {
		ByteBuf buffer = this.allocator.buffer(1000);
		assertThat(buffer.isDirect()).isTrue();
		assertThat(buffer.capacity()).isEqualTo(1000);
		assertThat(buffer.maxCapacity()).isEqualTo(Integer.MAX_VALUE);
		assertThat(buffer.alloc()).isSameAs(this.allocator);
		assertThat(buffer.refCnt()).isEqualTo(1);
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(1024);
		buffer.writeInt(42).writeLongLE(7).writeMedium(0x010203).writeShortLE(-2).writeByte(9);
		buffer.writeCharSequence("hello", StandardCharsets.US_ASCII);
		assertThat(buffer.readInt()).isEqualTo(42);
		assertThat(buffer.readLongLE()).isEqualTo(7);
		assertThat(buffer.readUnsignedMedium()).isEqualTo(0x010203);
		assertThat(buffer.readShortLE()).isEqualTo((short) -2);
		assertThat(buffer.readByte()).isEqualTo((byte) 9);
		assertThat(buffer.readCharSequence(5, StandardCharsets.US_ASCII)).hasToString("hello");
		assertThat(buffer.getIntLE(0)).isEqualTo(Integer.reverseBytes(42));
		assertThat(buffer.release()).isTrue();
		assertThat(this.connection.stats().bytesInUse()).isZero();
		assertBalanced(this.direct, 1);
	}

	@Test
	void everyKindOfBufferHasTheAllocatorsContract() {
		assertThat(this.allocator.isDirectBufferPooled()).isTrue();
		assertThat(this.allocator.agent()).isSameAs(this.connection);
		assertThat(this.allocator).hasToString(
				"PosmByteBufAllocator[agent 'connection', direct, allocator 'netty-direct']");
		ByteBuf[] buffers = { this.allocator.buffer(), this.allocator.buffer(10, 20), this.allocator.directBuffer(),
				this.allocator.ioBuffer(100), this.allocator.directBuffer(5, 5) };
		for (ByteBuf buffer : buffers) {
			assertThat(buffer).isInstanceOf(PosmByteBuf.class);
			assertThat(buffer.isDirect()).isTrue();
		}
		assertThat(buffers[0].capacity()).isEqualTo(256);
		assertThat(buffers[1].maxCapacity()).isEqualTo(20);
		assertThat(this.connection.stats().allocations()).isEqualTo(5);
		for (ByteBuf buffer : buffers) {
			buffer.release();
		}
		assertThat(this.allocator.buffer(0, 0).capacity()).as("Netty's empty buffer").isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> this.allocator.buffer(10, 5));
		assertThatIllegalArgumentException().isThrownBy(() -> this.allocator.buffer(-1));
		assertBalanced(this.direct, 5);
	}

	@Test
	void aHeapBufferOfADirectAgentIsNettysOwnAndUncounted() {
		ByteBuf buffer = this.allocator.heapBuffer(100);
		assertThat(buffer).isInstanceOf(UnpooledHeapByteBuf.class);
		assertThat(buffer.hasArray()).isTrue();
		assertThat(buffer.alloc()).isSameAs(this.allocator);
		assertThat(this.direct.stats().allocations()).isZero();
		buffer.release();
	}

	@Test
	void aHeapAgentMakesHeapPosmsAndNettysDirectBuffersForDirectRequests() {
		Agent heapConnection = this.agents.open("heap-connection");
		PosmByteBufAllocator heapAllocator = new PosmByteBufAllocator(heapConnection);
		ByteBuf buffer = heapAllocator.buffer(100);
		assertThat(buffer).isInstanceOf(PosmByteBuf.class);
		assertThat(buffer.isDirect()).isFalse();
		assertThat(buffer.hasArray()).isTrue();
		buffer.writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
		assertThat(new String(buffer.array(), buffer.arrayOffset(), 3, StandardCharsets.US_ASCII)).isEqualTo("abc");
		ByteBuf io = heapAllocator.ioBuffer(100);
		assertThat(io).isInstanceOf(UnpooledDirectByteBuf.class);
		assertThat(heapAllocator.directBuffer(10)).isInstanceOf(UnpooledDirectByteBuf.class).satisfies(ByteBuf::release);
		io.release();
		assertThat(heapConnection.stats().allocations()).isEqualTo(1);
		buffer.release();
		heapConnection.close();
		assertBalanced(this.heap, 1);
	}

	@Test
	void aReleasedBufferCannotBeUsedAndItsPosmIsReleasedOnce() {
		ByteBuf buffer = this.allocator.buffer(64);
		buffer.retain();
		assertThat(buffer.release()).isFalse();
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(64);
		assertThat(buffer.release()).isTrue();
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(buffer::release);
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> buffer.writeByte(1));
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> buffer.getByte(0));
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> buffer.nioBuffer(0, 1));
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(buffer::retain);
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> buffer.capacity(128));
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(buffer::alloc);
		assertThat(buffer.isDirect()).isTrue();
		assertThat(buffer.toString()).endsWith("(freed)");
		assertBalanced(this.direct, 1);
	}

	@Test
	void aBufferGrowsInItsBlockThenIntoNewPosmsWithItsBytes() {
		ByteBuf buffer = this.allocator.buffer(300, 70_000);
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(512);
		buffer.capacity(500);
		assertThat(this.connection.stats().allocations()).as("grown within its block").isEqualTo(1);
		for (int i = 0; i < 64 * 1024 / 4; i++) {
			buffer.writeInt(i);
		}
		assertThat(buffer.capacity()).isGreaterThanOrEqualTo(64 * 1024).isLessThanOrEqualTo(70_000);
		for (int i = 0; i < 64 * 1024 / 4; i++) {
			assertThat(buffer.readInt()).isEqualTo(i);
		}
		// one POSM at a time: the largest block, nothing else
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(Integer.highestOneBit(buffer.capacity() - 1) * 2L);
		assertThatExceptionOfType(IndexOutOfBoundsException.class)
			.isThrownBy(() -> buffer.writeBytes(new byte[70_000 - buffer.writerIndex() + 1]));
		assertThatIllegalArgumentException().isThrownBy(() -> buffer.capacity(70_001));
		buffer.release();
		AllocatorStats stats = this.direct.stats();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.allocations()).isEqualTo(stats.releases()).isGreaterThan(1);
	}

	@Test
	void aBufferShrinksInPlaceUnlessItsBlockWouldBeMostlyEmpty() {
		ByteBuf buffer = this.allocator.buffer(4096);
		buffer.writerIndex(4000).readerIndex(3000);
		buffer.capacity(3000);
		assertThat(this.connection.stats().allocations()).isEqualTo(1);
		assertThat(buffer.writerIndex()).isEqualTo(3000);
		buffer.setByte(99, 7);
		buffer.capacity(100);
		assertThat(this.connection.stats().allocations()).isEqualTo(2);
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(128);
		assertThat(buffer.capacity()).isEqualTo(100);
		assertThat(buffer.getByte(99)).isEqualTo((byte) 7);
		assertThat(buffer.readerIndex()).isEqualTo(100);
		buffer.release();
		assertBalanced(this.direct, 2);
	}

	@Test
	void aGrowthRefusedByTheBudgetLeavesTheBufferAsItWas() {
		Agent small = this.agents.open("small-connection");
		PosmByteBufAllocator smallAllocator = new PosmByteBufAllocator(small);
		ByteBuf buffer = smallAllocator.buffer(4096);
		buffer.writeBytes(new byte[4096]).setInt(0, 99);
		assertThatExceptionOfType(PosmBudgetExceededException.class).isThrownBy(() -> buffer.writeByte(1));
		assertThat(buffer.capacity()).isEqualTo(4096);
		assertThat(buffer.getInt(0)).isEqualTo(99);
		assertThat(buffer.writerIndex()).isEqualTo(4096);
		assertThatExceptionOfType(PosmBudgetExceededException.class).isThrownBy(() -> smallAllocator.buffer(8192));
		buffer.release();
		assertThat(small.stats().refused()).isEqualTo(2);
		small.close();
		assertBalanced(this.direct, 1);
	}

	@Test
	void derivedBuffersShareTheReferenceCount() {
		ByteBuf buffer = this.allocator.buffer(100).writeBytes(new byte[] { 1, 2, 3, 4 });
		ByteBuf slice = buffer.slice(1, 2);
		ByteBuf duplicate = buffer.duplicate();
		ByteBuf retained = buffer.retainedSlice(2, 2);
		assertThat(buffer.refCnt()).isEqualTo(2);
		assertThat(slice.getByte(0)).isEqualTo((byte) 2);
		assertThat(duplicate.getByte(3)).isEqualTo((byte) 4);
		assertThat(retained.getByte(0)).isEqualTo((byte) 3);
		assertThat(buffer.release()).isFalse();
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(128);
		assertThat(retained.release()).isTrue();
		assertThat(this.connection.stats().bytesInUse()).isZero();
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> slice.getByte(0));
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> duplicate.getByte(0));
		assertBalanced(this.direct, 1);
	}

	@Test
	void aCompositeTakesItsComponentsFromThisAllocator() {
		CompositeByteBuf composite = this.allocator.compositeBuffer();
		assertThat(composite.alloc()).isSameAs(this.allocator);
		composite.addComponent(true, this.allocator.buffer(100).writeBytes(new byte[100]));
		assertThat(composite.isDirect()).isTrue();
		composite.addComponent(true, this.allocator.buffer(100).writeBytes(new byte[100]));
		// growing adds a component of this allocator
		composite.writeBytes(new byte[1000]);
		assertThat(composite.readableBytes()).isEqualTo(1200);
		assertThat(this.connection.stats().allocations()).isEqualTo(3);
		ByteBuf copy = composite.copy();
		assertThat(copy).isInstanceOf(PosmByteBuf.class);
		assertThat(this.connection.stats().allocations()).isEqualTo(4);
		copy.release();
		composite.release();
		assertThat(this.connection.stats().bytesInUse()).isZero();
		assertThat(this.allocator.compositeDirectBuffer(4).maxNumComponents()).isEqualTo(4);
		assertThat(this.allocator.compositeHeapBuffer().isDirect()).isFalse();
		assertBalanced(this.direct, 4);
	}

	@Test
	void bytesMoveBetweenBuffersArraysAndNioBuffers() {
		ByteBuf buffer = this.allocator.buffer(16);
		ByteBuf other = this.allocator.buffer(16);
		ByteBuf heap = this.allocator.heapBuffer(16);
		buffer.writeBytes(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
		other.writeBytes(buffer, 0, 8);
		heap.writeBytes(other, 2, 4);
		assertThat(heap.getByte(0)).isEqualTo((byte) 3);
		ByteBuffer nio = ByteBuffer.allocate(4);
		buffer.getBytes(4, nio);
		assertThat(nio.flip().get(0)).isEqualTo((byte) 5);
		buffer.setBytes(0, heap, 0, 4);
		assertThat(buffer.getByte(0)).isEqualTo((byte) 3);
		buffer.setBytes(12, ByteBuffer.wrap(new byte[] { 9, 9 }));
		assertThat(buffer.getShort(12)).isEqualTo((short) 0x0909);
		assertThat(buffer.nioBuffer(0, 4).remaining()).isEqualTo(4);
		assertThat(buffer.internalNioBuffer(2, 3).remaining()).isEqualTo(3);
		ByteBuf copy = buffer.copy(0, 2);
		assertThat(copy.getByte(1)).isEqualTo((byte) 4);
		assertThatExceptionOfType(IndexOutOfBoundsException.class).isThrownBy(() -> buffer.getBytes(10, new byte[8]));
		for (ByteBuf each : new ByteBuf[] { buffer, other, heap, copy }) {
			each.release();
		}
	}

	@Test
	void bytesMoveThroughStreamsAndChannels(@TempDir Path directory) throws IOException {
		Agent heapConnection = this.agents.open("heap-connection");
		ByteBuf[] buffers = { this.allocator.buffer(20_000), new PosmByteBufAllocator(heapConnection).buffer(20_000) };
		byte[] bytes = new byte[20_000];
		new SplittableRandom(1).nextBytes(bytes);
		for (ByteBuf buffer : buffers) {
			assertThat(buffer.writeBytes(new ByteArrayInputStream(bytes), 20_000)).isEqualTo(20_000);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			buffer.getBytes(0, out, 20_000);
			assertThat(out.toByteArray()).isEqualTo(bytes);
			Path file = directory.resolve("bytes-" + buffer.isDirect());
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
				assertThat(buffer.readBytes(channel, 0, 12_000)).isEqualTo(12_000);
				assertThat(buffer.getBytes(12_000, channel, 12_000, 8_000)).isEqualTo(8_000);
			}
			assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
			buffer.clear();
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
				assertThat(buffer.writeBytes(channel, 0, 20_000)).isEqualTo(20_000);
			}
			assertThat(ByteBufUtil.getBytes(buffer)).isEqualTo(bytes);
			// moving bytes within one buffer: the regions overlap
			buffer.readerIndex(100).discardReadBytes();
			assertThat(buffer.getByte(0)).isEqualTo(bytes[100]);
			assertThat(buffer.getByte(19_899)).isEqualTo(bytes[19_999]);
			buffer.release();
		}
		heapConnection.close();
	}

	@Test
	void aReleasedBufferObjectComesBackWithItsMemory() {
		ByteBuf first = this.allocator.buffer(4096);
		first.writeInt(1).markReaderIndex();
		first.release();
		ByteBuf second = this.allocator.buffer(4000, 5000);
		// as with Netty's pooled buffers: the object is reused, a stale reference is the new holder's
		assertThat(second).isSameAs(first);
		assertThat(second.refCnt()).isEqualTo(1);
		assertThat(second.capacity()).isEqualTo(4000);
		assertThat(second.maxCapacity()).isEqualTo(5000);
		assertThat(second.readerIndex()).isZero();
		assertThat(second.writerIndex()).isZero();
		second.resetReaderIndex();
		assertThat(second.readerIndex()).as("marks start again").isZero();
		second.release();
		assertBalanced(this.direct, 2);
	}

	@Test
	void underParanoidLeakDetectionEveryBufferIsANewObject() {
		PosmAllocator paranoid = Allocators.pooled("paranoid").leakDetection(LeakDetection.PARANOID).build();
		Agent agent = Agents.builder(paranoid).build().open("paranoid");
		PosmByteBufAllocator paranoidAllocator = new PosmByteBufAllocator(agent);
		ByteBuf first = paranoidAllocator.buffer(4096);
		first.release();
		ByteBuf second = paranoidAllocator.buffer(4096);
		assertThat(second).isNotSameAs(first);
		assertThatExceptionOfType(IllegalReferenceCountException.class).isThrownBy(() -> first.getByte(0));
		second.release();
		agent.close();
		assertBalanced(paranoid, 2);
		paranoid.close();
	}

	@Test
	void memoryHeldWhenTheAgentClosesStaysCountedAndNewBuffersComeFromItsAllocator() {
		ByteBuf held = this.allocator.buffer(1000).writeLong(5);
		this.connection.close();
		assertThat(this.agents.openCount("connection")).isZero();
		assertThat(this.connection.stats().bytesInUse()).isEqualTo(1024);
		// still usable, still growing
		held.writeBytes(new byte[2000]);
		assertThat(held.getLong(0)).isEqualTo(5);
		ByteBuf late = this.allocator.buffer(100);
		assertThat(late.isDirect()).isTrue();
		// the growth and the late buffer are the allocator's, not the closed agent's
		AgentStats agent = this.connection.stats();
		assertThat(agent.allocations()).isEqualTo(1);
		assertThat(agent.bytesInUse()).isZero();
		assertThat(this.direct.stats().allocations()).isEqualTo(3);
		assertThat(this.direct.stats().bytesInUse()).isEqualTo(2048 + 128);
		late.release();
		held.release();
		assertThat(this.connection.stats().bytesInUse()).isZero();
		assertBalanced(this.direct, 3);
	}

	private static void assertBalanced(PosmAllocator allocator, long allocations) {
		AllocatorStats stats = allocator.stats();
		assertThat(stats.allocations()).isEqualTo(allocations);
		assertThat(stats.releases()).isEqualTo(allocations);
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.bytesInUse()).isZero();
	}

}
