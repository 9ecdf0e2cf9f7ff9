package dev.posm.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import dev.posm.PosmAllocator;
import dev.posm.Posms;

/**
 * Makes an allocator the one {@link Posms#allocate(int)} uses outside every operation
 * while the application context runs, and puts the previous one back when it closes.
 *
 * @author posm
 */
public final class DefaultAllocatorInstaller implements InitializingBean, DisposableBean {

	private final PosmAllocator allocator;

	private @Nullable PosmAllocator previous;

	/**
	 * Create an installer.
	 * @param allocator the allocator to install
	 */
	public DefaultAllocatorInstaller(PosmAllocator allocator) {
		this.allocator = allocator;
	}

	/**
	 * Return the allocator this installer installs.
	 * @return the allocator
	 */
	public PosmAllocator getAllocator() {
		return this.allocator;
	}

	@Override
	public void afterPropertiesSet() {
		this.previous = Posms.setDefaultAllocator(this.allocator);
	}

	@Override
	public void destroy() {
		// another context may have installed its own since: leave that one alone
		Posms.restoreDefaultAllocator(this.allocator, this.previous);
	}

}
