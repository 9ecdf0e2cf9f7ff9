package dev.posm;

/**
 * A fresh buffer of exactly the size asked for, every time; nothing is kept.
 *
 * @author posm
 */
final class UnpooledAllocator extends BlockAllocator {

	UnpooledAllocator(String name, boolean direct, LeakDetection leakDetection) {
		super(name, AllocatorType.UNPOOLED, direct, leakDetection);
	}

	@Override
	Posm take(int size) {
		return newBlock(size, -1);
	}

	@Override
	void recycle(Posm posm) {
		// dropped: the garbage collector frees it
	}

	@Override
	long retainedBytes() {
		return 0;
	}

	@Override
	public void trim() {
	}

}
