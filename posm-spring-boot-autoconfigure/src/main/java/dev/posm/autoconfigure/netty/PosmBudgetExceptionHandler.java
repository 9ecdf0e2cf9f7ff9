package dev.posm.autoconfigure.netty;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import dev.posm.PosmBudgetExceededException;

/**
 * Closes the connection of a WebFlux request that failed because a budget refused its
 * connection memory ({@code max-bytes-in-use}, {@code max-total-bytes-in-use}): a
 * response, even an error page, would need memory from the budget that is spent. Runs
 * before Spring Boot's error handling, which would try to render one. Other failures
 * go on to the next handler.
 *
 * @author posm
 */
public class PosmBudgetExceptionHandler implements WebExceptionHandler, Ordered {

	/**
	 * Order of this handler: before Spring Boot's {@code ErrorWebExceptionHandler} (-1).
	 */
	public static final int ORDER = -2;

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		PosmBudgetExceededException refusal = BudgetGuard.refusal(ex);
		ServerHttpResponse response = exchange.getResponse();
		if (refusal == null
				|| !(ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse netty)) {
			return Mono.error(ex);
		}
		// should anything still be written before the connection closes, it says so
		if (!response.isCommitted()) {
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			response.getHeaders().set(HttpHeaders.CONNECTION, "close");
		}
		netty.withConnection((connection) -> BudgetGuard.close(connection.channel(), refusal));
		return Mono.empty();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
