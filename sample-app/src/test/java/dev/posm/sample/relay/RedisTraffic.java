package dev.posm.sample.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelined SET/GET pairs from several Lettuce connections at once, every reply
 * checked: what the relay must carry without losing, mixing or reordering a byte.
 *
 * @author posm
 */
final class RedisTraffic {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final String host;

	private final int port;

	private final String prefix;

	RedisTraffic(String host, int port, String prefix) {
		this.host = host;
		this.port = port;
		this.prefix = prefix;
	}

	/**
	 * Run the pairs on several connections at once, then close them.
	 * @param connections the number of connections, each on its own thread
	 * @param pairs SET/GET pairs per connection
	 * @param batch pairs sent before the replies are awaited
	 */
	void run(int connections, int pairs, int batch) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost(this.host)
			.withPort(this.port)
			.withTimeout(TIMEOUT)
			.build());
		ExecutorService threads = Executors.newFixedThreadPool(connections);
		try {
			List<CompletableFuture<Void>> runs = new ArrayList<>();
			for (int c = 0; c < connections; c++) {
				int connection = c;
				runs.add(CompletableFuture.runAsync(() -> pipeline(client, connection, pairs, batch), threads));
			}
			CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
		}
		finally {
			threads.shutdownNow();
			client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
		}
	}

	private void pipeline(RedisClient client, int connection, int pairs, int batch) {
		try (StatefulRedisConnection<String, String> redis = client.connect()) {
			redis.setAutoFlushCommands(false);
			RedisAsyncCommands<String, String> commands = redis.async();
			for (int from = 0; from < pairs; from += batch) {
				int to = Math.min(pairs, from + batch);
				List<RedisFuture<String>> sets = new ArrayList<>();
				List<RedisFuture<String>> gets = new ArrayList<>();
				for (int i = from; i < to; i++) {
					sets.add(commands.set(key(connection, i), value(connection, i)));
					gets.add(commands.get(key(connection, i)));
				}
				redis.flushCommands();
				List<RedisFuture<String>> all = new ArrayList<>(sets);
				all.addAll(gets);
				assertThat(LettuceFutures.awaitAll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS,
						all.toArray(RedisFuture[]::new)))
					.as("replies of pairs %d to %d on connection %d", from, to, connection)
					.isTrue();
				for (int i = from; i < to; i++) {
					assertThat(sets.get(i - from).toCompletableFuture().join()).isEqualTo("OK");
					assertThat(gets.get(i - from).toCompletableFuture().join()).as("GET %s", key(connection, i))
						.isEqualTo(value(connection, i));
				}
			}
		}
	}

	String key(int connection, int i) {
		return this.prefix + ":" + connection + ":" + i;
	}

	/**
	 * Return the value of a key: mostly small, every 50th larger than a transfer POSM,
	 * every 500th larger than the handshake POSM, so that requests and replies are cut
	 * into chunks in every way.
	 */
	String value(int connection, int i) {
		int size;
		if (i % 500 == 499) {
			size = 100_000 + i;
		}
		else if (i % 50 == 7) {
			size = 20_000 + i;
		}
		else {
			size = 1 + (i * 31 + connection * 17) % 400;
		}
		Random random = new Random(((long) connection << 32) | i);
		StringBuilder value = new StringBuilder(size);
		for (int k = 0; k < size; k++) {
			value.append((char) ('!' + random.nextInt(94)));
		}
		return value.toString();
	}

}
