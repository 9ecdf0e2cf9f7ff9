package dev.posm.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

import dev.posm.Posm;
import io.netty.buffer.AbstractReferenceCountedByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * A Netty buffer over one POSM at a time: its capacity is what was asked for, its
 * memory the POSM's block, which may be larger. Growing within the block costs nothing;
 * beyond it, the buffer takes a new POSM, copies its bytes and releases the old one.
 * When its reference count reaches 0 it releases its POSM, once.
 * <p>
 * The object travels with its memory: it is kept as the POSM's
 * {@link Posm#attach(Object) attachment}, and the next buffer over the same memory,
 * taken by any agent, is this object again. So a live buffer and a POSM handle always
 * go together: every buffer is attached to at most one handle, a live buffer only to
 * the handle it holds, and a handle that is free carries only a released buffer, which
 * refers to no allocator and to no memory but that handle's.
 *
 * @author posm
 */
final class PosmByteBuf extends AbstractReferenceCountedByteBuf {

	/** Bytes copied at a time between a direct buffer and a stream. */
	private static final int STREAM_CHUNK = 8192;

	// while live: written by the holder; between holders, handed over with the POSM

	private @Nullable PosmByteBufAllocator allocator;

	private @Nullable Posm posm;

	/** The POSM's block, its limit its capacity; {@code null} once released. */
	private @Nullable ByteBuffer memory;

	private boolean direct;

	/** The capacity of this buffer: what was asked for. */
	private int length;

	/** The capacity of the block. */
	private int room;

	/** A view of the block for channel calls; kept with the object, of its handle's memory. */
	private @Nullable ByteBuffer nioView;

	private @Nullable String serving;

	private PosmByteBuf() {
		super(0);
	}

	/**
	 * Return the buffer object that goes with the given POSM: the one its memory had, or
	 * a new one.
	 */
	static PosmByteBuf of(Posm posm) {
		if (posm.attachment() instanceof PosmByteBuf previous) {
			if (previous.posm != null) {
				throw new IllegalStateException("A live buffer was left on " + posm + ": posm keeps a buffer "
						+ "with its memory only once released");
			}
			return previous;
		}
		PosmByteBuf buffer = new PosmByteBuf();
		posm.attach(buffer);
		return buffer;
	}

	/**
	 * Start the life of this buffer over a POSM just taken, of at least the initial
	 * capacity.
	 */
	void init(PosmByteBufAllocator allocator, Posm posm, int initialCapacity, int maxCapacity,
			@Nullable String serving) {
		ByteBuffer memory = posm.buffer();
		memory.limit(memory.capacity());
		this.allocator = allocator;
		this.posm = posm;
		this.memory = memory;
		this.direct = memory.isDirect();
		this.length = initialCapacity;
		this.room = memory.capacity();
		this.serving = serving;
		maxCapacity(maxCapacity);
		resetRefCnt();
		setIndex(0, 0);
		markReaderIndex();
		markWriterIndex();
	}

	@Override
	protected void deallocate() {
		Posm posm = this.posm;
		// nothing of this buffer may reach the memory once another holder can have it
		this.posm = null;
		this.memory = null;
		this.allocator = null;
		this.serving = null;
		if (posm != null) {
			posm.release();
		}
	}

	/**
	 * Return the POSM this buffer holds now, {@code null} once released.
	 */
	@Nullable Posm posm() {
		return this.posm;
	}

	private ByteBuffer memory() {
		ByteBuffer memory = this.memory;
		if (memory == null) {
			ensureAccessible();
			throw new IllegalStateException(this + " holds no memory");
		}
		return memory;
	}

	@Override
	public int capacity() {
		return this.length;
	}

	@Override
	public ByteBuf capacity(int newCapacity) {
		checkNewCapacity(newCapacity);
		if (newCapacity == this.length) {
			return this;
		}
		// like Netty's pooled buffers: stay in the block unless it would be mostly empty
		boolean inPlace = newCapacity <= this.room && (newCapacity > this.length || newCapacity > this.room >>> 1);
		if (!inPlace) {
			move(newCapacity);
		}
		if (newCapacity < this.length) {
			trimIndicesToCapacity(newCapacity);
		}
		this.length = newCapacity;
		return this;
	}

	/**
	 * Move this buffer to a new POSM of the given capacity, its bytes copied; the old
	 * POSM is released last, and nothing changes if the new one cannot be taken.
	 */
	private void move(int newCapacity) {
		PosmByteBufAllocator allocator = this.allocator;
		Posm old = this.posm;
		if (allocator == null || old == null) {
			ensureAccessible();
			throw new IllegalStateException(this + " holds no memory");
		}
		Posm fresh = allocator.take(newCapacity, this.serving);
		ByteBuffer target = fresh.buffer();
		target.limit(target.capacity());
		target.put(0, memory(), 0, Math.min(this.length, newCapacity));
		// the buffers swap handles: a released one that came with the new memory goes with
		// the old, and each keeps the view of the memory it now goes with
		PosmByteBuf released = (fresh.attachment() instanceof PosmByteBuf spare) ? spare : null;
		ByteBuffer oldView = this.nioView;
		this.nioView = (released != null) ? released.nioView : null;
		if (released != null) {
			released.nioView = oldView;
		}
		fresh.attach(this);
		old.attach(released);
		this.posm = fresh;
		this.memory = target;
		this.room = target.capacity();
		old.release();
	}

	@Override
	public int maxFastWritableBytes() {
		return Math.min(this.room, maxCapacity()) - writerIndex();
	}

	@Override
	public ByteBufAllocator alloc() {
		PosmByteBufAllocator allocator = this.allocator;
		if (allocator == null) {
			ensureAccessible();
			throw new IllegalStateException(this + " has no allocator");
		}
		return allocator;
	}

	@Override
	@SuppressWarnings("deprecation")
	public ByteOrder order() {
		return ByteOrder.BIG_ENDIAN;
	}

	@Override
	public @Nullable ByteBuf unwrap() {
		return null;
	}

	@Override
	public boolean isDirect() {
		return this.direct;
	}

	@Override
	public boolean isContiguous() {
		return true;
	}

	@Override
	public boolean hasArray() {
		return !this.direct;
	}

	@Override
	public byte[] array() {
		ensureAccessible();
		if (this.direct) {
			throw new UnsupportedOperationException("direct buffer");
		}
		return memory().array();
	}

	@Override
	public int arrayOffset() {
		if (this.direct) {
			throw new UnsupportedOperationException("direct buffer");
		}
		return memory().arrayOffset();
	}

	@Override
	public boolean hasMemoryAddress() {
		// the address is Netty's internals to read: Netty's channels use nioBuffer() instead
		return false;
	}

	@Override
	public long memoryAddress() {
		throw new UnsupportedOperationException("no memory address: use nioBuffer()");
	}

	@Override
	protected byte _getByte(int index) {
		return memory().get(index);
	}

	@Override
	protected short _getShort(int index) {
		return memory().getShort(index);
	}

	@Override
	protected short _getShortLE(int index) {
		return Short.reverseBytes(memory().getShort(index));
	}

	@Override
	protected int _getUnsignedMedium(int index) {
		ByteBuffer memory = memory();
		return (memory.get(index) & 0xff) << 16 | (memory.get(index + 1) & 0xff) << 8 | memory.get(index + 2) & 0xff;
	}

	@Override
	protected int _getUnsignedMediumLE(int index) {
		ByteBuffer memory = memory();
		return memory.get(index) & 0xff | (memory.get(index + 1) & 0xff) << 8 | (memory.get(index + 2) & 0xff) << 16;
	}

	@Override
	protected int _getInt(int index) {
		return memory().getInt(index);
	}

	@Override
	protected int _getIntLE(int index) {
		return Integer.reverseBytes(memory().getInt(index));
	}

	@Override
	protected long _getLong(int index) {
		return memory().getLong(index);
	}

	@Override
	protected long _getLongLE(int index) {
		return Long.reverseBytes(memory().getLong(index));
	}

	@Override
	protected void _setByte(int index, int value) {
		memory().put(index, (byte) value);
	}

	@Override
	protected void _setShort(int index, int value) {
		memory().putShort(index, (short) value);
	}

	@Override
	protected void _setShortLE(int index, int value) {
		memory().putShort(index, Short.reverseBytes((short) value));
	}

	@Override
	protected void _setMedium(int index, int value) {
		ByteBuffer memory = memory();
		memory.put(index, (byte) (value >>> 16));
		memory.put(index + 1, (byte) (value >>> 8));
		memory.put(index + 2, (byte) value);
	}

	@Override
	protected void _setMediumLE(int index, int value) {
		ByteBuffer memory = memory();
		memory.put(index, (byte) value);
		memory.put(index + 1, (byte) (value >>> 8));
		memory.put(index + 2, (byte) (value >>> 16));
	}

	@Override
	protected void _setInt(int index, int value) {
		memory().putInt(index, value);
	}

	@Override
	protected void _setIntLE(int index, int value) {
		memory().putInt(index, Integer.reverseBytes(value));
	}

	@Override
	protected void _setLong(int index, long value) {
		memory().putLong(index, value);
	}

	@Override
	protected void _setLongLE(int index, long value) {
		memory().putLong(index, Long.reverseBytes(value));
	}

	@Override
	public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
		checkDstIndex(index, length, dstIndex, dst.capacity());
		if (dst instanceof PosmByteBuf other) {
			other.checkIndex(dstIndex, length);
			other.memory().put(dstIndex, memory(), index, length);
		}
		else if (dst.hasArray()) {
			getBytes(index, dst.array(), dst.arrayOffset() + dstIndex, length);
		}
		else if (dst.nioBufferCount() > 0) {
			for (ByteBuffer part : dst.nioBuffers(dstIndex, length)) {
				int partLength = part.remaining();
				getBytes(index, part);
				index += partLength;
			}
		}
		else {
			dst.setBytes(dstIndex, this, index, length);
		}
		return this;
	}

	@Override
	public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
		checkDstIndex(index, length, dstIndex, dst.length);
		memory().get(index, dst, dstIndex, length);
		return this;
	}

	@Override
	public ByteBuf getBytes(int index, ByteBuffer dst) {
		int length = dst.remaining();
		checkIndex(index, length);
		int position = dst.position();
		dst.put(position, memory(), index, length);
		dst.position(position + length);
		return this;
	}

	@Override
	public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
		checkIndex(index, length);
		ByteBuffer memory = memory();
		if (memory.hasArray()) {
			out.write(memory.array(), memory.arrayOffset() + index, length);
			return this;
		}
		byte[] chunk = new byte[Math.min(length, STREAM_CHUNK)];
		for (int done = 0; done < length;) {
			int part = Math.min(chunk.length, length - done);
			memory.get(index + done, chunk, 0, part);
			out.write(chunk, 0, part);
			done += part;
		}
		return this;
	}

	@Override
	public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
		checkIndex(index, length);
		// a view of its own: duplicates of this buffer may be written by other threads
		return out.write(memory().slice(index, length));
	}

	@Override
	public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
		checkIndex(index, length);
		return out.write(memory().slice(index, length), position);
	}

	@Override
	public int readBytes(GatheringByteChannel out, int length) throws IOException {
		checkReadableBytes(length);
		int index = readerIndex();
		int written = out.write(internalNioBuffer(index, length));
		readerIndex(index + written);
		return written;
	}

	@Override
	public int readBytes(FileChannel out, long position, int length) throws IOException {
		checkReadableBytes(length);
		int index = readerIndex();
		int written = out.write(internalNioBuffer(index, length), position);
		readerIndex(index + written);
		return written;
	}

	@Override
	public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
		checkSrcIndex(index, length, srcIndex, src.capacity());
		if (src instanceof PosmByteBuf other) {
			other.checkIndex(srcIndex, length);
			memory().put(index, other.memory(), srcIndex, length);
		}
		else if (src.hasArray()) {
			setBytes(index, src.array(), src.arrayOffset() + srcIndex, length);
		}
		else if (src.nioBufferCount() > 0) {
			for (ByteBuffer part : src.nioBuffers(srcIndex, length)) {
				int partLength = part.remaining();
				setBytes(index, part);
				index += partLength;
			}
		}
		else {
			src.getBytes(srcIndex, this, index, length);
		}
		return this;
	}

	@Override
	public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
		checkSrcIndex(index, length, srcIndex, src.length);
		memory().put(index, src, srcIndex, length);
		return this;
	}

	@Override
	public ByteBuf setBytes(int index, ByteBuffer src) {
		int length = src.remaining();
		checkIndex(index, length);
		memory().put(index, src, src.position(), length);
		src.position(src.limit());
		return this;
	}

	@Override
	public int setBytes(int index, InputStream in, int length) throws IOException {
		checkIndex(index, length);
		ByteBuffer memory = memory();
		if (memory.hasArray()) {
			return in.read(memory.array(), memory.arrayOffset() + index, length);
		}
		byte[] chunk = new byte[length];
		int read = in.read(chunk, 0, length);
		if (read > 0) {
			memory.put(index, chunk, 0, read);
		}
		return read;
	}

	@Override
	public int setBytes(int index, ScatteringByteChannel in, int length) throws IOException {
		try {
			return in.read(internalNioBuffer(index, length));
		}
		catch (ClosedChannelException ex) {
			return -1;
		}
	}

	@Override
	public int setBytes(int index, FileChannel in, long position, int length) throws IOException {
		try {
			return in.read(internalNioBuffer(index, length), position);
		}
		catch (ClosedChannelException ex) {
			return -1;
		}
	}

	@Override
	public ByteBuf copy(int index, int length) {
		checkIndex(index, length);
		ByteBufAllocator allocator = alloc();
		ByteBuf copy = this.direct ? allocator.directBuffer(length, maxCapacity())
				: allocator.heapBuffer(length, maxCapacity());
		return copy.writeBytes(this, index, length);
	}

	@Override
	public int nioBufferCount() {
		return 1;
	}

	@Override
	public ByteBuffer nioBuffer(int index, int length) {
		checkIndex(index, length);
		return memory().slice(index, length);
	}

	@Override
	public ByteBuffer internalNioBuffer(int index, int length) {
		checkIndex(index, length);
		ByteBuffer view = this.nioView;
		if (view == null) {
			view = memory().duplicate();
			this.nioView = view;
		}
		view.clear();
		return view.limit(index + length).position(index);
	}

	@Override
	public ByteBuffer[] nioBuffers(int index, int length) {
		return new ByteBuffer[] { nioBuffer(index, length) };
	}

}
