package dev.posm.sample.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Many Redis clients at once on real sockets: connected in one burst (every connect
 * started before the first completes, as a crowd of clients reconnecting does), then
 * some of them say {@code PING} once, then all stay silent until closed.
 * <p>
 * Used in the test's JVM, or in a JVM of its own through {@link #main}: 10,000
 * connections are 10,000 descriptors on each side, more than one process may open here
 * beside the relay's own. The child prints {@code connected <n> <millis>}, then
 * {@code talked <n>}, then waits until its standard input ends, closes every socket and
 * prints {@code closed}.
 *
 * @author posm
 */
final class ClientFleet implements AutoCloseable {

	private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

	private final List<SocketChannel> channels;

	private final long connectNanos;

	private ClientFleet(List<SocketChannel> channels, long connectNanos) {
		this.channels = channels;
		this.connectNanos = connectNanos;
	}

	/**
	 * Connect the given number of clients in one burst and wait until all are connected.
	 * @param address where to connect
	 * @param count how many clients
	 * @param timeout the time allowed for all of them
	 * @return the connected clients, in blocking mode
	 * @throws IOException if a connect fails or they are not all connected in time
	 */
	static ClientFleet connect(InetSocketAddress address, int count, Duration timeout) throws IOException {
		List<SocketChannel> channels = new ArrayList<>(count);
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		try (Selector selector = Selector.open()) {
			try {
				int pending = 0;
				for (int i = 0; i < count; i++) {
					SocketChannel channel = SocketChannel.open();
					channels.add(channel);
					channel.configureBlocking(false);
					if (!channel.connect(address)) {
						channel.register(selector, SelectionKey.OP_CONNECT);
						pending++;
					}
				}
				while (pending > 0) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						throw new IOException(pending + " of " + count + " connects to " + address + " still pending after "
								+ timeout.toMillis() + " ms");
					}
					selector.select(Math.max(1, left / 1_000_000));
					Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
					while (keys.hasNext()) {
						SelectionKey key = keys.next();
						keys.remove();
						if (((SocketChannel) key.channel()).finishConnect()) {
							key.cancel();
							pending--;
						}
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				closeAll(channels);
				throw ex;
			}
		}
		long connectNanos = System.nanoTime() - start;
		// the selector is closed: every key is gone, the channels may block again
		for (SocketChannel channel : channels) {
			channel.configureBlocking(true);
		}
		return new ClientFleet(channels, connectNanos);
	}

	/**
	 * Return how long the burst took until every client was connected.
	 * @return the time
	 */
	Duration connectTime() {
		return Duration.ofNanos(this.connectNanos);
	}

	/**
	 * Return the number of clients.
	 * @return the number
	 */
	int size() {
		return this.channels.size();
	}

	/**
	 * Let every n-th client (the first included) say {@code PING} and wait for its
	 * {@code PONG}.
	 * @param every 1 for every client, 4 for one in four
	 * @return how many clients talked
	 * @throws IOException if a client gets anything else, or the end of the stream
	 */
	int ping(int every) throws IOException {
		int talked = 0;
		for (int i = 0; i < this.channels.size(); i += every) {
			SocketChannel channel = this.channels.get(i);
			ByteBuffer out = ByteBuffer.wrap(PING);
			while (out.hasRemaining()) {
				channel.write(out);
			}
			ByteBuffer in = ByteBuffer.allocate(PONG.length);
			while (in.hasRemaining()) {
				if (channel.read(in) < 0) {
					throw new IOException("Client " + i + " got the end of the stream instead of +PONG");
				}
			}
			if (!in.flip().equals(ByteBuffer.wrap(PONG))) {
				throw new IOException("Client " + i + " got " + StandardCharsets.US_ASCII.decode(in) + " for PING");
			}
			talked++;
		}
		return talked;
	}

	@Override
	public void close() {
		closeAll(this.channels);
	}

	private static void closeAll(List<SocketChannel> channels) {
		for (SocketChannel channel : channels) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// closing a client: the descriptor is released whatever close says
			}
		}
	}

	/**
	 * Run a fleet in this JVM until standard input ends.
	 * @param args host, port, number of clients, one in how many says PING
	 * @throws IOException if the clients cannot connect or talk
	 */
	public static void main(String[] args) throws IOException {
		InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
		int count = Integer.parseInt(args[2]);
		int every = Integer.parseInt(args[3]);
		try (ClientFleet fleet = connect(address, count, Duration.ofSeconds(60))) {
			System.out.println("connected " + fleet.size() + " " + fleet.connectTime().toMillis());
			System.out.println("talked " + fleet.ping(every));
			System.out.flush();
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
			while (in.readLine() != null) {
				// silent until the test lets us go
			}
		}
		System.out.println("closed");
		System.out.flush();
	}

}
