package dev.posm.autoconfigure.netty;

import java.util.function.UnaryOperator;

import reactor.netty.http.client.HttpClient;

import dev.posm.Agents;

/**
 * Gives every connection of a Reactor Netty {@link HttpClient} an opened agent of its
 * own as its allocator, closed with the connection. Spring Boot applies it to the client
 * behind {@code WebClient} and behind {@code RestClient} on Reactor Netty; apply it to
 * an {@link HttpClient} of your own with {@code client = customizer.apply(client)}.
 *
 * @author posm
 */
public class PosmHttpClientCustomizer extends ConnectionAgents implements UnaryOperator<HttpClient> {

	/**
	 * Create a customizer.
	 * @param agents the agents of the application
	 * @param name the name of the connections' agents
	 * @param attributed whether each connection's allocator is told which request it
	 * serves
	 */
	public PosmHttpClientCustomizer(Agents agents, String name, boolean attributed) {
		super(agents, name, "to", attributed);
	}

	@Override
	public HttpClient apply(HttpClient client) {
		HttpClient customized = client.doOnChannelInit(this);
		return isAttributed() ? customized.observe(ServedRequests.INSTANCE) : customized;
	}

}
