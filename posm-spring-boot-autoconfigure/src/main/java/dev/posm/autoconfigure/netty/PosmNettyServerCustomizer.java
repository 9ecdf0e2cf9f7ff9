package dev.posm.autoconfigure.netty;

import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

import dev.posm.Agents;

/**
 * Gives every connection of Spring Boot's Reactor Netty server (WebFlux) an opened
 * agent of its own as its allocator, closed with the connection.
 *
 * @author posm
 */
public class PosmNettyServerCustomizer extends ConnectionAgents implements NettyServerCustomizer {

	/**
	 * Create a customizer.
	 * @param agents the agents of the application
	 * @param name the name of the connections' agents
	 * @param attributed whether each connection's allocator is told which request it
	 * serves
	 */
	public PosmNettyServerCustomizer(Agents agents, String name, boolean attributed) {
		super(agents, name, "from", attributed);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		HttpServer customized = server.doOnChannelInit(this);
		return isAttributed() ? customized.childObserve(ServedRequests.INSTANCE) : customized;
	}

}
