package dev.posm.autoconfigure.netty;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.BodyInserter;

/**
 * Bodies the tests of Reactor Netty on posm send.
 *
 * @author posm
 */
final class NettyTestSupport {

	private NettyTestSupport() {
	}

	/**
	 * A body of the given chunks, each written into a buffer of the client's own
	 * connection: what the client sends is the memory of its agent too.
	 * @param chunk the bytes of every chunk
	 * @param count the number of chunks
	 * @return the body
	 */
	static BodyInserter<Flux<DataBuffer>, ClientHttpRequest> chunksOf(byte[] chunk, int count) {
		return (request, context) -> request.writeWith(
				Flux.range(0, count).map((i) -> request.bufferFactory().allocateBuffer(chunk.length).write(chunk)));
	}

}
