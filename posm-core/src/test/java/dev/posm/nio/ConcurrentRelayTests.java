package dev.posm.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import org.junit.jupiter.api.Test;

import static dev.posm.nio.PosmSocketChannelTests.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several connections at once, each an agent opened for it that echoes every chunk it
 * reads, one operation per chunk, through one shared allocator: every byte comes back
 * in order (a block leased to two chunks at once would corrupt one of them), and the
 * counters balance with nothing held.
 *
 * @author posm
 */
class ConcurrentRelayTests {

	private static final int CONNECTIONS = 6;

	private static final int BYTES = 1024 * 1024;

	@Test
	void connectionsEchoingAtOnceGetTheirOwnBytesBackAndHoldNothingAfterwards() throws Exception {
		PosmAllocator allocator = Allocators.recycling("relay").build();
		Agents agents = new Agents(allocator);
		List<Loopback> loopbacks = new ArrayList<>();
		List<Agent> opened = new ArrayList<>();
		List<CompletableFuture<Void>> echoes = new ArrayList<>();
		List<CompletableFuture<Void>> clients = new ArrayList<>();
		try {
			for (int i = 0; i < CONNECTIONS; i++) {
				Loopback loopback = Loopback.open();
				loopbacks.add(loopback);
				// the asynchronous side is the relay; the blocking peer is its client
				Agent connection = agents.open("relay");
				opened.add(connection);
				PosmSocketChannel relay = new PosmSocketChannel(loopback.client, connection);
				echoes.add(echo(relay, 64 * 1024));
				byte[] sent = randomBytes(BYTES, i);
				clients.add(CompletableFuture.runAsync(() -> exchange(loopback, sent)));
			}
			CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
			CompletableFuture.allOf(echoes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		}
		finally {
			opened.forEach(Agent::close);
			for (Loopback loopback : loopbacks) {
				loopback.close();
			}
		}
		AgentStats relay = agents.agent("relay").stats();
		AllocatorStats memory = allocator.stats();
		assertThat(relay.bytesInUse()).isZero();
		assertThat(relay.activeOperations()).isZero();
		assertThat(relay.failedOperations()).isZero();
		assertThat(relay.reclaimed()).isZero();
		assertThat(relay.operations()).isEqualTo(relay.allocations());
		// new memory only for each connection's first handshake and first transfer block
		assertThat(memory.fresh()).isLessThanOrEqualTo(2L * CONNECTIONS);
		assertThat(relay.recycled()).isEqualTo(relay.allocations() - memory.fresh());
		assertThat(relay.peakBytesInUse()).as("one block per connection at most")
			.isLessThanOrEqualTo(CONNECTIONS * 64L * 1024);
		assertThat(memory.bytesInUse()).isZero();
		assertThat(memory.allocations()).isEqualTo(memory.releases());
		assertThat(agents.openCount("relay")).isZero();
	}

	/**
	 * Echo chunk after chunk, the first one large, until the end of the stream, then
	 * half-close.
	 */
	private static CompletableFuture<Void> echo(PosmSocketChannel channel, int chunk) {
		return channel.forward(channel, chunk).thenCompose((count) -> {
			if (count < 0) {
				try {
					channel.shutdownOutput();
				}
				catch (IOException ex) {
					return CompletableFuture.failedFuture(ex);
				}
				return CompletableFuture.completedFuture(null);
			}
			return echo(channel, 16 * 1024);
		});
	}

	/**
	 * Send the bytes in uneven pieces while reading the echo, then check it.
	 */
	private static void exchange(Loopback loopback, byte[] sent) {
		try {
			Thread writer = new Thread(() -> {
				try {
					int offset = 0;
					for (int piece = 1; offset < sent.length; piece = piece * 7 % 65_521) {
						int length = Math.min(sent.length - offset, 1 + piece % 40_000);
						loopback.peer.getOutputStream().write(sent, offset, length);
						offset += length;
					}
					loopback.peer.shutdownOutput();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			writer.start();
			byte[] received = loopback.peer.getInputStream().readAllBytes();
			writer.join(10_000);
			assertThat(ByteBuffer.wrap(received)).isEqualTo(ByteBuffer.wrap(sent));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
