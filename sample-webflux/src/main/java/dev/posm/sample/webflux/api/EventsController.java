package dev.posm.sample.webflux.api;

import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Flux;

import org.springframework.format.annotation.DurationFormat;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/events?count=N&interval=D}: {@code N} server-sent events named
 * {@code tick}, one every {@code D} (such as {@code 200ms} or {@code 1s}), then the end of
 * the stream.
 *
 * @author posm
 */
@RestController
class EventsController {

	/** Most events in one stream. */
	static final int MAX_COUNT = 10_000;

	private static final Duration MIN_INTERVAL = Duration.ofMillis(1);

	private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

	@GetMapping("/api/events")
	Flux<ServerSentEvent<Tick>> events(@RequestParam(defaultValue = "10") int count,
			@RequestParam(defaultValue = "1s") @DurationFormat(style = DurationFormat.Style.SIMPLE) Duration interval) {
		if (count < 1 || count > MAX_COUNT) {
			throw new BadParameterException("count", count, "from 1 to " + MAX_COUNT);
		}
		if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
			throw new BadParameterException("interval", interval, "a duration from 1ms to 1m, such as 200ms");
		}
		// each event waits for the connection to ask for it: a slow client delays the
		// stream rather than piling events up in memory
		return Flux.range(0, count)
			.delayElements(interval)
			.map((sequence) -> ServerSentEvent.builder(new Tick(sequence, Instant.now()))
				.id(Integer.toString(sequence))
				.event("tick")
				.build());
	}

	/**
	 * One event's data.
	 *
	 * @param sequence the event's number in its stream, from 0
	 * @param at when it was sent
	 */
	record Tick(int sequence, Instant at) {

	}

}
