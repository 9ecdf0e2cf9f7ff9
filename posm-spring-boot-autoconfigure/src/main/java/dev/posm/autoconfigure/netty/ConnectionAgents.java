package dev.posm.autoconfigure.netty;

import java.net.SocketAddress;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;

import dev.posm.Agent;
import dev.posm.Agents;

/**
 * Gives every channel that Reactor Netty initializes an {@linkplain Agents#open(String)
 * opened agent} of its own as its allocator, closed when the channel closes: every
 * buffer the connection reads or writes is then a POSM of that agent, counted to its
 * name and bound by its budgets. A read refused by a budget closes the connection (see
 * {@link BudgetGuard}). Where leaks are looked for, the connection's allocator is told
 * which request it serves (see {@link ServedRequests}).
 *
 * @author posm
 * @see PosmNettyServerCustomizer
 * @see PosmHttpClientCustomizer
 */
public abstract class ConnectionAgents implements ChannelPipelineConfigurer {

	private final Agents agents;

	private final String name;

	private final String direction;

	private final boolean attributed;

	/**
	 * Create agents for connections.
	 * @param agents the agents of the application
	 * @param name the name of the connections' agents
	 * @param direction how the peer is named after a request: {@code from} a server's
	 * client, {@code to} a client's server
	 * @param attributed whether each connection's allocator is told which request it
	 * serves (worth it only where leaks are looked for)
	 */
	protected ConnectionAgents(Agents agents, String name, String direction, boolean attributed) {
		this.agents = agents;
		this.name = name;
		this.direction = direction;
		this.attributed = attributed;
	}

	/**
	 * Return the name of the connections' agents.
	 * @return the agent name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return whether each connection's allocator is told which request it serves.
	 * @return whether leak reports name requests
	 */
	public boolean isAttributed() {
		return this.attributed;
	}

	@Override
	public void onChannelInit(ConnectionObserver connectionObserver, Channel channel,
			@Nullable SocketAddress remoteAddress) {
		Agent agent = this.agents.open(this.name);
		try {
			ConnectionAgent.install(channel, agent, this.direction, remoteAddress, this.attributed);
			channel.pipeline().addFirst(BudgetGuard.NAME, BudgetGuard.INSTANCE);
		}
		catch (RuntimeException ex) {
			agent.close();
			throw ex;
		}
	}

}
