package dev.posm.netty;

import dev.posm.Agent;
import dev.posm.Posm;
import dev.posm.PosmBudgetExceededException;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * A Netty {@code ByteBufAllocator} whose buffers are POSMs of one agent, taken through
 * {@link Agent#allocate(int)}: counted for the agent's name, recycled by its allocator,
 * bounded by its budgets, watched for leaks. Made for one connection: install it as the
 * channel's allocator ({@code ChannelOption.ALLOCATOR}) with an agent
 * {@link dev.posm.Agents#open(String) opened} for the connection, and close the agent
 * when the channel closes.
 * <pre class="code">
 * Agent connection = agents.open("http-server");
 * channel.config().setAllocator(new PosmByteBufAllocator(connection));
 * channel.closeFuture().addListener((future) -&gt; connection.close());
 * </pre>
 * <h2>Buffers</h2>
 * <ul>
 * <li>A buffer's capacity is what was asked for; its POSM's block may be larger. It
 * grows within the block in place; beyond it ({@code capacity(int)},
 * {@code ensureWritable}) it takes a new POSM, copies its bytes and releases the old one.
 * {@code maxCapacity} is honoured. A take refused by a budget throws
 * {@link PosmBudgetExceededException} and leaves the buffer as it was.</li>
 * <li>When its reference count reaches 0 the buffer releases its POSM, exactly once; any
 * use after that throws Netty's {@code IllegalReferenceCountException}. Derived buffers
 * ({@code slice}, {@code duplicate}, {@code retainedSlice}, ...) share the reference
 * count. Buffers may be released on any thread.</li>
 * <li>The agent's allocator is direct or heap, and buffers of that kind are POSMs.
 * {@code buffer()} and {@code compositeBuffer()} give that kind; {@code directBuffer()}
 * and {@code ioBuffer()} give direct memory, {@code heapBuffer()} heap memory, as Netty's
 * contract says (a native transport cannot read into a heap buffer; a codec asking for a
 * heap buffer wants its array). Asked by name for the kind the agent's allocator does
 * not make, the allocator gives Netty's unpooled buffer of that kind, which posm does
 * not count and which frees its memory on release as Netty's does: {@code heapBuffer()}
 * of a direct agent, say. Netty's channels read and write through direct memory, so
 * bind the agents of connections to a direct allocator (the default).</li>
 * <li>Composite buffers take the components they add from this allocator.</li>
 * <li>After the agent closes, memory its buffers hold stays counted for its name until
 * released (a buffer dropped without release is a leak), and new buffers (a pipeline
 * that allocates while it tears down) are POSMs of the agent's allocator, counted there,
 * not for the agent's name.</li>
 * </ul>
 * <h2>Recycling, and stale references</h2>
 * The buffer object travels with its memory: when a POSM's memory is taken again, by any
 * agent, its buffer object is reused, so a steady state allocates nothing on the heap,
 * as with Netty's own pooled buffers. And as with those, a reference kept after the
 * buffer was released fails with {@code IllegalReferenceCountException} only until the
 * memory is taken again: after that, a stale reference is the next holder's buffer. A
 * live buffer never reaches memory it does not hold: it refers to no memory after its
 * release, and a buffer moved to a new POSM no longer refers to the old one. With
 * paranoid leak detection every buffer is a new object, so a stale reference always
 * fails and never reaches another holder's memory.
 * <h2>Leaks</h2>
 * posm's leak detection ({@code posm.leak-detection}), not Netty's, watches these
 * buffers: a buffer dropped without release is found through the garbage collector,
 * counted for the agent's name ({@link dev.posm.Agents#leaks(String)}), and logged
 * (logger {@code dev.posm.leak}) naming the agent and what the connection was
 * {@link #serving(String) serving} when the buffer was taken; with paranoid detection,
 * with the stack where it was taken.
 *
 * @author posm
 */
public final class PosmByteBufAllocator extends AbstractByteBufAllocator {

	private final Agent agent;

	private final boolean direct;

	/** Written on the channel's event loop, read by takes there. */
	private @Nullable String serving;

	/**
	 * Create an allocator whose buffers are POSMs of the given agent.
	 * @param agent the agent, typically opened for one connection
	 */
	public PosmByteBufAllocator(Agent agent) {
		super(agent.allocator().isDirect());
		this.agent = agent;
		this.direct = agent.allocator().isDirect();
	}

	/**
	 * Return the agent whose POSMs this allocator's buffers are.
	 * @return the agent
	 */
	public Agent agent() {
		return this.agent;
	}

	/**
	 * Say what the connection is serving now, such as
	 * {@code "GET /orders from /127.0.0.1:53412"}: a buffer taken while it is set names it
	 * in its leak report. Call it on the channel's event loop.
	 * @param what a short description, or {@code null} for none
	 */
	public void serving(@Nullable String what) {
		this.serving = what;
	}

	@Override
	public boolean isDirectBufferPooled() {
		return true;
	}

	@Override
	public ByteBuf buffer() {
		return this.direct ? directBuffer() : heapBuffer();
	}

	@Override
	public ByteBuf buffer(int initialCapacity) {
		return this.direct ? directBuffer(initialCapacity) : heapBuffer(initialCapacity);
	}

	@Override
	public ByteBuf buffer(int initialCapacity, int maxCapacity) {
		return this.direct ? directBuffer(initialCapacity, maxCapacity) : heapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public CompositeByteBuf compositeBuffer() {
		return this.direct ? compositeDirectBuffer() : compositeHeapBuffer();
	}

	@Override
	public CompositeByteBuf compositeBuffer(int maxNumComponents) {
		return this.direct ? compositeDirectBuffer(maxNumComponents) : compositeHeapBuffer(maxNumComponents);
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
		// not wrapped for Netty's leak detector: posm watches the components
		return new CompositeByteBuf(this, false, maxNumComponents);
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
		return new CompositeByteBuf(this, true, maxNumComponents);
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		return this.direct ? new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity)
				: posmBuffer(initialCapacity, maxCapacity);
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		return this.direct ? posmBuffer(initialCapacity, maxCapacity)
				: new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
	}

	private ByteBuf posmBuffer(int initialCapacity, int maxCapacity) {
		String serving = this.serving;
		Posm posm = take(initialCapacity, serving);
		PosmByteBuf buffer = PosmByteBuf.of(posm);
		buffer.init(this, posm, initialCapacity, maxCapacity, serving);
		return buffer;
	}

	/**
	 * Take a POSM for a buffer: from the agent, or from its allocator once the agent is
	 * closed.
	 */
	Posm take(int size, @Nullable String serving) {
		Posm posm;
		try {
			posm = this.agent.allocate(size);
		}
		catch (IllegalStateException ex) {
			if (ex instanceof PosmBudgetExceededException || !this.agent.isClosed()) {
				throw ex;
			}
			posm = this.agent.allocator().allocate(size);
		}
		if (serving != null) {
			posm.serving(serving);
		}
		return posm;
	}

	@Override
	public String toString() {
		return "PosmByteBufAllocator[agent '" + this.agent.name() + "', " + (this.direct ? "direct" : "heap")
				+ ", allocator '" + this.agent.allocator().name() + "']";
	}

}
