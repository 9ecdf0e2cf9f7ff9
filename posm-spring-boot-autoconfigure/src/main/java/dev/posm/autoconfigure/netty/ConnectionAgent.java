package dev.posm.autoconfigure.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

import dev.posm.Agent;
import dev.posm.netty.PosmByteBufAllocator;

/**
 * The agent of one connection: installed as its channel's allocator when the channel is
 * initialized, closed when the channel closes. It tells its allocator what the
 * connection is serving, so that a leaked buffer names the request it was taken for.
 *
 * @author posm
 */
final class ConnectionAgent implements ChannelFutureListener {

	private static final AttributeKey<ConnectionAgent> KEY = AttributeKey.valueOf(ConnectionAgent.class.getName());

	private final PosmByteBufAllocator allocator;

	/** What the connection is when it serves no request: {@code connection from /127.0.0.1:53412}. */
	private final String idle;

	/** Put after a request's method and path: {@code  from /127.0.0.1:53412}. */
	private final String peer;

	/** What the connection serves now; written and read on its event loop. */
	private String serving;

	private ConnectionAgent(PosmByteBufAllocator allocator, String direction, @Nullable SocketAddress peer) {
		this.allocator = allocator;
		this.peer = " " + direction + " " + describe(peer);
		this.idle = "connection" + this.peer;
		this.serving = this.idle;
	}

	/**
	 * Give a channel the given agent as its allocator until it closes.
	 * @param channel the channel, being initialized
	 * @param agent an agent opened for it
	 * @param direction {@code from} for a connection a server accepted, {@code to} for a
	 * client's
	 * @param peer the address of the other end
	 * @param attributed whether the allocator should be told what the connection serves
	 */
	static void install(Channel channel, Agent agent, String direction, @Nullable SocketAddress peer,
			boolean attributed) {
		ConnectionAgent connection = new ConnectionAgent(new PosmByteBufAllocator(agent), direction,
				(peer != null) ? peer : channel.remoteAddress());
		channel.config().setAllocator(connection.allocator);
		channel.closeFuture().addListener(connection);
		if (attributed) {
			connection.allocator.serving(connection.idle);
			channel.attr(KEY).set(connection);
		}
	}

	/**
	 * Return the agent of a channel, if it has one and it is told what the channel serves.
	 * @param channel the channel
	 * @return its connection agent, or {@code null}
	 */
	static @Nullable ConnectionAgent of(Channel channel) {
		return channel.hasAttr(KEY) ? channel.attr(KEY).get() : null;
	}

	/**
	 * Say that the connection now serves a request.
	 * @param method the request's method
	 * @param path the request's path, without its query (which may hold secrets)
	 */
	void serving(String method, String path) {
		this.serving = method + " " + path + this.peer;
		this.allocator.serving(this.serving);
	}

	/**
	 * Say that the connection serves no request now.
	 */
	void idle() {
		this.serving = this.idle;
		this.allocator.serving(this.idle);
	}

	/**
	 * Return what the connection serves now: a request, or the connection itself.
	 * @return what the connection serves
	 */
	String serving() {
		return this.serving;
	}

	/**
	 * Describe an address as the JDK does, but an unresolved one (a client's target) as
	 * {@code host:port} rather than {@code host/<unresolved>:port}.
	 */
	private static String describe(@Nullable SocketAddress address) {
		if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
			return inet.getHostString() + ":" + inet.getPort();
		}
		return String.valueOf(address);
	}

	PosmByteBufAllocator allocator() {
		return this.allocator;
	}

	@Override
	public void operationComplete(ChannelFuture future) {
		// what its buffers still hold stays counted to the agent's name until released
		this.allocator.agent().close();
	}

}
