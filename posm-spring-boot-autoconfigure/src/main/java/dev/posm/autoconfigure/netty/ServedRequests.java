package dev.posm.autoconfigure.netty;

import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientState;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerState;

/**
 * Tells each connection's allocator which request the connection serves, from the
 * moment Reactor Netty has its head (a server's request received, a client's request
 * prepared) until it ends. It sees every request, also those whose handler never reads
 * the body. A buffer read before its request's head was decoded (the head itself, and
 * the part of the body that came with it) names the connection only.
 *
 * @author posm
 */
final class ServedRequests implements ConnectionObserver {

	static final ServedRequests INSTANCE = new ServedRequests();

	private ServedRequests() {
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == HttpServerState.REQUEST_RECEIVED && connection instanceof HttpServerRequest request) {
			ConnectionAgent agent = ConnectionAgent.of(connection.channel());
			if (agent != null) {
				agent.serving(request.method().name(), request.fullPath());
			}
		}
		else if (newState == HttpClientState.REQUEST_PREPARED && connection instanceof HttpClientRequest request) {
			ConnectionAgent agent = ConnectionAgent.of(connection.channel());
			if (agent != null) {
				agent.serving(request.method().name(), request.fullPath());
			}
		}
		else if (isEnd(newState)) {
			ConnectionAgent agent = ConnectionAgent.of(connection.channel());
			if (agent != null) {
				agent.idle();
			}
		}
	}

	private static boolean isEnd(State state) {
		return state == State.DISCONNECTING || state == State.RELEASED || state == HttpClientState.RESPONSE_COMPLETED
				|| state == HttpClientState.RESPONSE_INCOMPLETE;
	}

}
