package dev.posm.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A real TCP connection over the loopback interface: {@code client} is the
 * asynchronous side under test, {@code peer} the other end, a plain blocking socket
 * (which, unlike an asynchronous one, can be closed with a reset).
 *
 * @author posm
 */
final class Loopback implements AutoCloseable {

	final AsynchronousSocketChannel client;

	final Socket peer;

	private Loopback(AsynchronousSocketChannel client, Socket peer) {
		this.client = client;
		this.peer = peer;
	}

	static Loopback open() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
			Future<Void> connected = client
				.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
			server.setSoTimeout(5000);
			Socket peer = server.accept();
			peer.setSoTimeout(10_000);
			connected.get(5, TimeUnit.SECONDS);
			return new Loopback(client, peer);
		}
	}

	/**
	 * Read exactly {@code length} bytes on the peer's side.
	 */
	byte[] peerReads(int length) throws IOException {
		byte[] bytes = this.peer.getInputStream().readNBytes(length);
		if (bytes.length != length) {
			throw new IOException("End of stream after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

	/**
	 * Write every byte on the peer's side.
	 */
	void peerWrites(byte[] bytes) throws IOException {
		this.peer.getOutputStream().write(bytes);
		this.peer.getOutputStream().flush();
	}

	/**
	 * Kill the peer: close with a reset rather than an orderly end of stream.
	 */
	void resetPeer() throws IOException {
		this.peer.setSoLinger(true, 0);
		this.peer.close();
	}

	@Override
	public void close() throws IOException {
		this.peer.close();
		this.client.close();
	}

}
