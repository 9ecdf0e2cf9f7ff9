package dev.posm.sample.webflux;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the tests of a running sample share: its server port, and a directory of
 * downloads of the test class's own ({@code sample.webflux.files.root}).
 *
 * @author posm
 */
abstract class SampleServerTestBase {

	@TempDir
	static Path files;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void filesRoot(DynamicPropertyRegistry registry) {
		registry.add("sample.webflux.files.root", () -> files.toString());
	}

}
