package dev.posm.sample.webflux.api;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/bytes?size=N} (default 64 KiB): {@code N} bytes of the
 * {@link Payload}, written into buffers of the response's own factory (the connection's
 * allocator) one chunk of at most 64 KiB at a time, as the connection asks for them.
 *
 * @author posm
 */
@RestController
class BytesController {

	/** Largest response. */
	static final int MAX_SIZE = 16 * 1024 * 1024;

	@GetMapping(path = "/api/bytes", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
	Flux<DataBuffer> bytes(@RequestParam(defaultValue = "65536") int size, ServerHttpResponse response) {
		if (size < 0 || size > MAX_SIZE) {
			throw new BadParameterException("size", size, "a number of bytes from 0 to " + MAX_SIZE);
		}
		response.getHeaders().setContentLength(size);
		DataBufferFactory factory = response.bufferFactory();
		return Flux.generate(() -> 0L, (offset, sink) -> {
			int length = (int) Math.min(Payload.CHUNK, size - offset);
			if (length == 0) {
				sink.complete();
				return offset;
			}
			sink.next(Payload.write(factory.allocateBuffer(length), offset, length));
			if (offset + length == size) {
				sink.complete();
			}
			return offset + length;
		});
	}

}
