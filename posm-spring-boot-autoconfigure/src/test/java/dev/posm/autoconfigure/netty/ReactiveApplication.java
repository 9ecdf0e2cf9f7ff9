package dev.posm.autoconfigure.netty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.zip.CRC32;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A WebFlux application on Reactor Netty with the posm starter and nothing of posm in
 * its code: JSON, a streaming upload, a file download, server-sent events, a handler
 * that drops the buffers of its request and one that holds its whole body. Its
 * {@code WebClient}s share one connection pool of their own, which the tests close.
 *
 * @author posm
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(ReactiveApplication.Endpoints.class)
public class ReactiveApplication {

	/**
	 * The property every test of this application sets: the test classpath has Spring
	 * MVC too.
	 */
	public static final String REACTIVE = "spring.main.web-application-type=reactive";

	@Bean
	ReactorResourceFactory reactorResourceFactory() {
		ReactorResourceFactory resources = new ReactorResourceFactory();
		// not the global pool: the tests close their clients' connections
		resources.setUseGlobalResources(false);
		resources.setShutdownQuietPeriod(Duration.ZERO);
		return resources;
	}

	/**
	 * Add a buffer's readable bytes to a checksum, leaving its read position alone.
	 * @param crc the checksum to update
	 * @param buffer the buffer
	 */
	static void update(CRC32 crc, DataBuffer buffer) {
		try (DataBuffer.ByteBufferIterator iterator = buffer.readableByteBuffers()) {
			iterator.forEachRemaining(crc::update);
		}
	}

	/**
	 * What an upload received.
	 *
	 * @param bytes the bytes of the body
	 * @param crc the CRC-32 of the body
	 */
	public record Received(long bytes, long crc) {

	}

	/**
	 * A greeting, as JSON.
	 *
	 * @param message the message
	 * @param length the length of the name greeted
	 */
	public record Greeting(String message, int length) {

	}

	@RestController
	static class Endpoints {

		@GetMapping("/greeting")
		Mono<Greeting> greeting(@RequestParam String name, @RequestParam(defaultValue = "0") long delay) {
			return Mono.delay(Duration.ofMillis(delay)).thenReturn(new Greeting("Hello, " + name, name.length()));
		}

		@PostMapping("/echo")
		Greeting echo(@RequestBody Greeting greeting) {
			return new Greeting(greeting.message().toUpperCase(Locale.ROOT), greeting.length() + 1);
		}

		@GetMapping("/allocator")
		String allocator(ServerHttpResponse response) {
			return ((NettyDataBufferFactory) response.bufferFactory()).getByteBufAllocator().getClass().getName();
		}

		/**
		 * A streaming upload: every buffer is read and released as it comes.
		 */
		@PostMapping("/upload")
		Mono<Received> upload(@RequestBody Flux<DataBuffer> body) {
			CRC32 crc = new CRC32();
			return body.map((buffer) -> {
				int bytes = buffer.readableByteCount();
				update(crc, buffer);
				DataBufferUtils.release(buffer);
				return (long) bytes;
			}).reduce(0L, Long::sum).map((bytes) -> new Received(bytes, crc.getValue()));
		}

		/**
		 * Holds the whole body before it answers, for the given time after it came:
		 * what a budget is for.
		 */
		@PostMapping("/join")
		Mono<Received> join(@RequestBody Flux<DataBuffer> body, @RequestParam(defaultValue = "0") long hold) {
			return DataBufferUtils.join(body).delayElement(Duration.ofMillis(hold)).map((joined) -> {
				CRC32 crc = new CRC32();
				update(crc, joined);
				Received received = new Received(joined.readableByteCount(), crc.getValue());
				DataBufferUtils.release(joined);
				return received;
			});
		}

		/**
		 * A handler with a bug: it reads the buffers of its request and drops them
		 * without releasing them. (Not with {@code count()}: Spring releases what an
		 * operator discards.)
		 */
		@PostMapping("/the/path")
		Mono<Long> dropsItsBuffers(@RequestBody Flux<DataBuffer> body) {
			return body.map((buffer) -> (long) buffer.readableByteCount()).reduce(0L, Long::sum);
		}

		@GetMapping("/download")
		Flux<DataBuffer> download(@RequestParam Path path, ServerHttpResponse response) {
			return DataBufferUtils.read(path, response.bufferFactory(), 64 * 1024);
		}

		@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> events(@RequestParam int count) {
			return Flux.range(1, count)
				.map((i) -> ServerSentEvent.builder("event " + i).id(Integer.toString(i)).event("tick").build());
		}

	}

}
