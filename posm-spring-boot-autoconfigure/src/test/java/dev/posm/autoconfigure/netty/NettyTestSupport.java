package dev.posm.autoconfigure.netty;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Bodies the tests of Reactor Netty on posm send.
 *
 * @author posm
 */
final class NettyTestSupport {

	private NettyTestSupport() {
	}

	/**
	 * Whether a client's failure is its connection closed by the server before the
	 * response: as "closed BEFORE response" when the client had sent what the server
	 * read, as a reset when the server closed with bytes of the request still unread.
	 * @param failure the client's failure
	 * @return whether it is a closed connection
	 */
	static boolean isClosedBeforeResponse(Throwable failure) {
		String message = String.valueOf(failure.getMessage());
		return failure instanceof WebClientRequestException
				&& (message.contains("closed BEFORE response") || message.contains("Connection reset by peer"));
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
