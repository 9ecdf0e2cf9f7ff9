package dev.posm.sample.webflux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.util.FileSystemUtils;

/**
 * A directory of downloads made for one test class, given to the sample as
 * {@code sample.webflux.files.root}.
 *
 * @author posm
 */
final class SampleFiles {

	private final Path directory;

	SampleFiles() {
		try {
			this.directory = Files.createTempDirectory("sample-webflux-files");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Path directory() {
		return this.directory;
	}

	void register(DynamicPropertyRegistry registry) {
		registry.add("sample.webflux.files.root", this.directory::toString);
	}

	void delete() throws IOException {
		FileSystemUtils.deleteRecursively(this.directory);
	}

}
