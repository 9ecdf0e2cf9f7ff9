package dev.posm.sample.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.nio.PosmSocketChannel;

/**
 * The relay's upstream when none is configured: a server on a free loopback port that
 * writes back whatever it reads, so that the relay can be tried with nothing else
 * installed. Each connection is an agent named {@value #AGENT}.
 *
 * @author posm
 */
final class EchoServer implements AutoCloseable {

	/** Name of the agents of echo connections. */
	static final String AGENT = "echo";

	private static final Log logger = LogFactory.getLog(EchoServer.class);

	private final Agents agents;

	private final int chunkSize;

	private final OpenConnections connections = new OpenConnections();

	private final Listener listener;

	private EchoServer(AsynchronousChannelGroup group, Agents agents, int chunkSize, int backlog)
			throws IOException {
		this.agents = agents;
		this.chunkSize = chunkSize;
		this.listener = Listener.listen(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog,
				this::accepted);
	}

	/**
	 * Start an echo server on a free loopback port.
	 * @param group the group whose threads complete its I/O
	 * @param agents the agents to open one per connection from
	 * @param chunkSize the size of the POSM of each chunk echoed
	 * @param backlog the connections the system may queue until they are accepted
	 * @return the running server
	 * @throws IOException if no port can be bound
	 */
	static EchoServer start(AsynchronousChannelGroup group, Agents agents, int chunkSize, int backlog)
			throws IOException {
		return new EchoServer(group, agents, chunkSize, backlog);
	}

	/**
	 * Return the address to connect to.
	 * @return the loopback address and the bound port
	 */
	HostAndPort address() {
		return new HostAndPort(InetAddress.getLoopbackAddress().getHostAddress(), this.listener.port());
	}

	private void accepted(AsynchronousSocketChannel channel) {
		Agent agent = this.agents.open(AGENT);
		try {
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		}
		catch (IOException ex) {
			logger.debug("Could not set TCP_NODELAY on an echo connection", ex);
		}
		EchoConnection connection = new EchoConnection(agent, new PosmSocketChannel(channel, agent), this.chunkSize,
				this.connections::remove);
		if (this.connections.add(connection)) {
			connection.start();
		}
		else {
			Listener.closeQuietly(channel);
			agent.close();
		}
	}

	/**
	 * Stop listening, end every connection and wait (a while) until each has returned
	 * its memory.
	 */
	@Override
	public void close() throws InterruptedException {
		this.listener.close();
		if (!this.connections.abortAll(Duration.ofSeconds(5))) {
			logger.warn("Echo connections still open after 5 s: " + this.connections.count());
		}
	}

}
