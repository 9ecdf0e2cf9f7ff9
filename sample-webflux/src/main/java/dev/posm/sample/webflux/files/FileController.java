package dev.posm.sample.webflux.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import reactor.core.publisher.Flux;

import dev.posm.sample.webflux.WebFluxSampleProperties;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/files/{name}}: a file of {@code sample.webflux.files.root}, read
 * asynchronously through {@link DataBufferUtils#read(Path, org.springframework.core.io.buffer.DataBufferFactory, int, java.nio.file.OpenOption...)}
 * into buffers of the response's own factory, one chunk at a time. A name that is not a
 * plain file name is a 400, a file that is not there a 404.
 *
 * @author posm
 */
@RestController
class FileController {

	private final FileDirectory directory;

	private final int chunkSize;

	FileController(FileDirectory directory, WebFluxSampleProperties properties) {
		this.directory = directory;
		this.chunkSize = (int) properties.getFiles().getChunkSize().toBytes();
	}

	@GetMapping(path = "/api/files/{name}", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
	ResponseEntity<Flux<DataBuffer>> download(@PathVariable String name, ServerHttpResponse response)
			throws IOException {
		Path file = this.directory.file(name);
		return ResponseEntity.ok()
			.contentLength(Files.size(file))
			.body(DataBufferUtils.read(file, response.bufferFactory(), this.chunkSize));
	}

	@ExceptionHandler
	ProblemDetail noSuchFile(NoSuchFileException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"No file '" + ex.getFile() + "' in the directory of downloads (sample.webflux.files.root)");
	}

}
