package dev.posm.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.concurrent.CompletableFuture;

import dev.posm.Agent;
import dev.posm.Operation;
import dev.posm.Posm;
import dev.posm.Posms;
import org.jspecify.annotations.Nullable;

/**
 * One call on a channel, from its start on the caller's thread to the completion of
 * the caller's future or handler: the memory it takes, the raw I/O steps it drives, and
 * the release of that memory before the caller hears of the outcome.
 * <p>
 * Its steps run one after another (each starts the next from the completion of the one
 * before), so its state needs no lock; only a stop asked through the future comes from
 * another thread.
 *
 * @author posm
 */
abstract class ChannelCall implements CompletionHandler<Integer, @Nullable Void> {

	/** What {@link #proceed} returns when it started another I/O step. */
	static final int MORE = Integer.MIN_VALUE;

	private final @Nullable Agent agent;

	private final @Nullable CallFuture future;

	// set again when a handler's call is reused, see reuse(...)

	private long timeoutNanos;

	private long deadline;

	private @Nullable CompletionHandler<Integer, Object> handler;

	private @Nullable Object attachment;

	// the operation bound to the caller's thread, whose POSM we take
	private @Nullable Operation bound;

	// the operation begun for this call, when the channel has an agent
	private @Nullable Operation own;

	// the handle of this call's last own operation, restarted by its next use: it never
	// leaves this object, so reusing it cannot reach anyone else's operation
	private @Nullable Operation spare;

	private @Nullable Posm posm;

	private @Nullable ByteBuffer memory;

	// the directions of the channel this call occupies until it completes
	private @Nullable Lane lane;

	private @Nullable Lane otherLane;

	/**
	 * A call whose outcome completes a future, see {@link #future()}.
	 */
	ChannelCall(@Nullable Agent agent, long timeoutNanos) {
		this.agent = agent;
		this.timeoutNanos = timeoutNanos;
		this.future = new CallFuture(this);
		this.handler = null;
		this.attachment = null;
	}

	/**
	 * A call whose outcome goes to a handler.
	 */
	<A> ChannelCall(@Nullable Agent agent, long timeoutNanos, @Nullable A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		this.agent = agent;
		this.future = null;
		reuse(timeoutNanos, attachment, handler);
	}

	/**
	 * Make this handler's call ready for another run, once the last one has completed:
	 * only its caller may do so, while it holds the channel's directions.
	 */
	@SuppressWarnings("unchecked")
	final <A> void reuse(long timeoutNanos, @Nullable A attachment, CompletionHandler<Integer, ? super A> handler) {
		this.timeoutNanos = timeoutNanos;
		this.handler = (CompletionHandler<Integer, Object>) handler;
		this.attachment = attachment;
	}

	/**
	 * Return the future this call completes.
	 */
	final CompletableFuture<Integer> future() {
		CallFuture future = this.future;
		if (future == null) {
			throw new IllegalStateException("This call completes a handler, not a future");
		}
		return future;
	}

	/**
	 * Run the call on the caller's thread: take its memory, then start its first I/O.
	 * A failure to take memory (an agent or operation that was closed) completes the
	 * call exceptionally; a channel refusing the first I/O (a read or write pending, a
	 * channel not yet connected) is thrown, as NIO.2 does, with the memory already
	 * released and the caller's buffer untouched.
	 */
	final void start() {
		start(null, null);
	}

	/**
	 * Occupy the given directions of the channel, then {@link #start()}: they stay busy
	 * until the call completes.
	 * @throws java.nio.channels.ReadPendingException if a read is in progress
	 * @throws java.nio.channels.WritePendingException if a write is in progress
	 */
	final void start(@Nullable Lane lane, @Nullable Lane otherLane) {
		if (lane != null) {
			lane.enter();
		}
		if (otherLane != null) {
			try {
				otherLane.enter();
			}
			catch (RuntimeException ex) {
				if (lane != null) {
					lane.leave();
				}
				throw ex;
			}
		}
		started(lane, otherLane);
	}

	/**
	 * Run the call on directions of the channel the caller has occupied already.
	 */
	final void started(@Nullable Lane lane, @Nullable Lane otherLane) {
		this.lane = lane;
		this.otherLane = otherLane;
		run();
	}

	private void run() {
		if (this.timeoutNanos > 0) {
			this.deadline = System.nanoTime() + this.timeoutNanos;
		}
		int result;
		try {
			this.bound = Posms.currentOperation();
			Agent agent = this.agent;
			if (this.bound == null && agent != null) {
				Operation spare = this.spare;
				this.own = (spare != null) ? agent.restart(spare) : agent.begin();
			}
			prepare();
		}
		catch (RuntimeException ex) {
			finish(0, ex);
			return;
		}
		try {
			result = begin();
		}
		catch (RuntimeException ex) {
			undo();
			releaseMemory(true);
			leaveLanes();
			throw ex;
		}
		if (result != MORE) {
			finish(result, null);
		}
	}

	/**
	 * Take memory and prepare the first step, on the caller's thread.
	 */
	abstract void prepare();

	/**
	 * Start the first I/O step and return {@link #MORE}, or return the result at once.
	 */
	abstract int begin();

	/**
	 * Take back what {@link #prepare} did to the caller's buffer: the first I/O was
	 * refused.
	 */
	void undo() {
	}

	/**
	 * Go on after an I/O step that transferred {@code count} bytes: start the next step
	 * and return {@link #MORE}, or return the result of the call.
	 */
	abstract int proceed(int count) throws Exception;

	/**
	 * Stop the I/O in flight: asked through the future from another thread.
	 */
	abstract void abort();

	@Override
	public final void completed(Integer count, @Nullable Void ignored) {
		int result;
		try {
			if (this.future != null && this.future.stopRequested()) {
				result = 0;
			}
			else {
				result = proceed(count);
			}
		}
		catch (Throwable ex) {
			finish(0, ex);
			return;
		}
		if (result != MORE) {
			// the channel's own box of the count, when it is the result: no box of ours
			finish(result, null, (count == result) ? count : null);
		}
	}

	@Override
	public final void failed(Throwable ex, @Nullable Void ignored) {
		finish(0, ex);
	}

	/**
	 * Take a POSM for this call from the current context.
	 * @return its buffer: position 0, limit {@code size}
	 */
	final ByteBuffer allocate(int size) {
		Operation operation = (this.bound != null) ? this.bound : this.own;
		Posm posm = (operation != null) ? operation.allocate(size) : Posms.defaultAllocator().allocate(size);
		this.posm = posm;
		ByteBuffer memory = posm.buffer();
		this.memory = memory;
		return memory;
	}

	/**
	 * Return the time left for the next I/O step, 0 for no limit.
	 * @throws InterruptedByTimeoutException if the call's time is up
	 */
	final long timeLeft() throws InterruptedByTimeoutException {
		if (this.timeoutNanos <= 0) {
			return 0;
		}
		long left = this.deadline - System.nanoTime();
		if (left <= 0) {
			throw new InterruptedByTimeoutException();
		}
		return left;
	}

	/**
	 * Return the time allowed for the first I/O step, 0 for no limit.
	 */
	final long timeout() {
		return this.timeoutNanos;
	}

	private void finish(int result, @Nullable Throwable failure) {
		finish(result, failure, null);
	}

	private void finish(int result, @Nullable Throwable failure, @Nullable Integer boxedResult) {
		CallFuture future = this.future;
		boolean stopped = future != null && future.stopRequested();
		releaseMemory(failure != null || stopped);
		// read before the directions are free: from then on the caller may reuse this call
		Operation bound = this.bound;
		CompletionHandler<Integer, Object> handler = this.handler;
		Object attachment = this.attachment;
		this.bound = null;
		// free before the caller hears of it: its handler may start the next call
		leaveLanes();
		// chained calls made by the caller's code stay in the caller's operation
		boolean rebind = bound != null && Posms.currentOperation() != bound && !bound.isClosed();
		Operation previous = rebind ? Posms.setCurrentOperation(bound) : null;
		try {
			deliver(future, handler, attachment, (boxedResult != null) ? boxedResult : result, failure);
		}
		finally {
			if (rebind) {
				Posms.setCurrentOperation(previous);
			}
		}
	}

	private void leaveLanes() {
		Lane lane = this.lane;
		Lane otherLane = this.otherLane;
		this.lane = null;
		this.otherLane = null;
		if (lane != null) {
			lane.leave();
		}
		if (otherLane != null) {
			otherLane.leave();
		}
	}

	private void releaseMemory(boolean failed) {
		Posm posm = this.posm;
		ByteBuffer memory = this.memory;
		if (posm != null && memory != null) {
			this.posm = null;
			this.memory = null;
			// an operation closed before our I/O ended has reclaimed the POSM already,
			// and the handle may be someone else's by now
			if (this.bound == null || this.bound.holds(memory)) {
				posm.close();
			}
		}
		Operation own = this.own;
		if (own != null) {
			this.own = null;
			if (failed) {
				own.markFailed();
			}
			own.close();
			this.spare = own;
		}
	}

	private static void deliver(@Nullable CallFuture future, @Nullable CompletionHandler<Integer, Object> handler,
			@Nullable Object attachment, Integer result, @Nullable Throwable failure) {
		if (future != null) {
			future.deliver(result, failure);
			return;
		}
		if (handler != null) {
			if (failure != null) {
				handler.failed(failure, attachment);
			}
			else {
				handler.completed(result, attachment);
			}
		}
	}

}
