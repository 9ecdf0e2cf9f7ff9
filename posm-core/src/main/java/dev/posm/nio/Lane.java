package dev.posm.nio;

import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One direction of a socket channel, occupied by one call from its start to its
 * completion. A call may take several I/O steps (a write written out in parts), and a
 * second call slipping in between them would interleave its bytes with the first's: so
 * the direction stays busy for the whole call, and a second call is refused as NIO.2
 * refuses one.
 *
 * @author posm
 */
final class Lane {

	private final AtomicBoolean busy = new AtomicBoolean();

	private final boolean write;

	private Lane(boolean write) {
		this.write = write;
	}

	static Lane reads() {
		return new Lane(false);
	}

	static Lane writes() {
		return new Lane(true);
	}

	/**
	 * Occupy this direction.
	 * @throws ReadPendingException if a read is in progress
	 * @throws WritePendingException if a write is in progress
	 */
	void enter() {
		if (!this.busy.compareAndSet(false, true)) {
			throw this.write ? new WritePendingException() : new ReadPendingException();
		}
	}

	void leave() {
		this.busy.set(false);
	}

}
