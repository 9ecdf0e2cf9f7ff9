package dev.posm.sample.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/checksum} digests the request body, {@code GET /api/checksum?path=...}
 * a file under {@code sample.checksum.root}. The answer is the SHA-256 digest in hex;
 * a path outside the root is refused with 403, a missing file is a 404.
 *
 * @author posm
 */
@RestController
@RequestMapping("/api/checksum")
class ChecksumController {

	private final ChecksumService service;

	private final ChecksumRoot root;

	ChecksumController(ChecksumService service, ChecksumRoot root) {
		this.service = service;
		this.root = root;
	}

	@PostMapping
	CompletableFuture<Checksum> body(HttpServletRequest request) throws IOException {
		return this.service.sha256(new BodyChannel(request.getInputStream())).thenApply(Checksum::new);
	}

	@GetMapping
	CompletableFuture<Checksum> file(@RequestParam String path) throws IOException {
		return this.service.sha256(this.root.resolve(path)).thenApply(Checksum::new);
	}

	@ExceptionHandler
	ProblemDetail outsideRoot(PathOutsideRootException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notReadable(AccessDeniedException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "File '" + ex.getFile() + "' cannot be read");
	}

	@ExceptionHandler
	ProblemDetail noSuchFile(NoSuchFileException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"No file '" + ex.getFile() + "' under the checksum root");
	}

	@ExceptionHandler
	ProblemDetail badPath(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/**
	 * The answer: the algorithm and the digest.
	 *
	 * @param algorithm always {@code SHA-256}
	 * @param digest the digest in lowercase hex
	 */
	record Checksum(String algorithm, String digest) {

		Checksum(String digest) {
			this("SHA-256", digest);
		}

	}

	/**
	 * The request body as a channel: the servlet stream reads straight into the POSM,
	 * with a channel's meaning of position and limit afterwards.
	 */
	private static final class BodyChannel implements ReadableByteChannel {

		private final ServletInputStream body;

		BodyChannel(ServletInputStream body) {
			this.body = body;
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			int start = dst.position();
			int limit = dst.limit();
			// the servlet read leaves what it read between position and limit: move past it
			int count = this.body.read(dst);
			if (count > 0) {
				dst.limit(limit).position(start + count);
			}
			return count;
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
			// the container owns the request stream
		}

	}

}
