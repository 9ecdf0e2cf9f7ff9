package dev.posm.alloc;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fresh block of exactly the size asked for, every time; nothing is kept: a block
 * given back is dropped, its direct memory freed as {@link DirectMemory} says.
 *
 * @author posm
 */
public final class UnpooledStore implements BlockStore {

	private final boolean direct;

	/**
	 * Create an unpooled store.
	 * @param direct whether blocks are direct memory
	 */
	public UnpooledStore(boolean direct) {
		this.direct = direct;
	}

	@Override
	public Block take(int size) {
		return this.direct ? DirectMemory.newBlock(size, -1) : new Block(ByteBuffer.allocate(size), -1, null);
	}

	@Override
	public void give(Block block) {
		block.drop();
	}

	@Override
	public int sizeClass(int size) {
		return -1;
	}

	@Override
	public long retainedBytes() {
		return 0;
	}

	@Override
	public void trim() {
	}

	@Override
	public void close() {
	}

	@Override
	public boolean isDirect() {
		return this.direct;
	}

	@Override
	public Map<String, Object> describe() {
		return new LinkedHashMap<>();
	}

}
