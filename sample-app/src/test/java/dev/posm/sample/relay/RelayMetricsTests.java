package dev.posm.sample.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's allocation meter follows its I/O threads: bytes relayed through heap POSMs
 * show up in it, and it does not go back when the relay stops and its threads end.
 *
 * @author posm
 */
class RelayMetricsTests {

	private static final int TRANSFER = 16 * 1024;

	// heap POSMs, a fresh one per chunk: the relay's threads allocate at least what they relay
	private final PosmAllocator allocator = Allocators.unpooled("heap").direct(false).build();

	private final Agents agents = Agents.builder(this.allocator).build();

	@Test
	void countsTheHeapTheRelaysThreadsAllocate() throws Exception {
		RelayServer relay = new RelayServer(properties(), this.agents);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new RelayMetrics(relay).bindTo(registry);
		FunctionCounter allocated = registry.get(RelayMetrics.ALLOCATED).functionCounter();
		assertThat(allocated.getId().getBaseUnit()).isEqualTo("bytes");
		relay.start();
		try {
			double before = allocated.count();
			byte[] data = new byte[2_000_000];
			new Random(7).nextBytes(data);
			assertThat(echo(relay, data)).isEqualTo(data);
			double after = allocated.count();
			// to the echo server, through it, and back: three chunked copies of the data
			assertThat(after - before).isGreaterThanOrEqualTo(3.0 * data.length);
			relay.stop();
			assertThat(allocated.count()).isGreaterThanOrEqualTo(after);
		}
		finally {
			relay.stop();
		}
	}

	@Test
	void countsTheConnectionsClosedForSilence() throws Exception {
		RelayProperties properties = properties();
		properties.setIdleTimeout(Duration.ofMillis(200));
		RelayServer relay = new RelayServer(properties, this.agents);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new RelayMetrics(relay).bindTo(registry);
		FunctionCounter closed = registry.get(RelayMetrics.IDLE_CLOSED).functionCounter();
		relay.start();
		try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), relay.getPort())) {
			silent.setSoTimeout(20_000);
			assertThat(closed.count()).isZero();
			// the relay ends the silent connection: the end of our stream
			assertThat(silent.getInputStream().read()).isEqualTo(-1);
			assertThat(closed.count()).isEqualTo(1.0);
		}
		finally {
			relay.stop();
		}
	}

	private static byte[] echo(RelayServer relay, byte[] data) throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.getPort())) {
			socket.setSoTimeout(20_000);
			CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
				try {
					return socket.getInputStream().readAllBytes();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			OutputStream out = socket.getOutputStream();
			out.write(data);
			socket.shutdownOutput();
			return echoed.get(30, TimeUnit.SECONDS);
		}
	}

	private static RelayProperties properties() {
		RelayProperties properties = new RelayProperties();
		properties.setPort(0);
		properties.setTransferBuffer(DataSize.ofBytes(TRANSFER));
		properties.setIoThreads(2);
		return properties;
	}

}
