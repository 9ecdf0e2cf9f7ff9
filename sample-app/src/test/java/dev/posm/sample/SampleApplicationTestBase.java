package dev.posm.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * The whole sample application on free ports (server, management, relay), relaying to
 * a real {@code redis-server} and digesting files of a test directory. Test classes that
 * extend it share one application context.
 *
 * @author posm
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.relay.port=0", "management.server.port=0" })
public abstract class SampleApplicationTestBase {

	/** Top of the test files: the checksum root and a directory beside it. */
	protected static final Path FILES = createFiles();

	/** The checksum root. */
	protected static final Path ROOT = FILES.resolve("root");

	/** A directory outside the checksum root. */
	protected static final Path OUTSIDE = FILES.resolve("outside");

	/** The content of {@code root/inside/data.bin} and of the link {@code root/link-in}. */
	protected static final byte[] DATA = randomBytes(300_000, 1);

	@DynamicPropertySource
	static void environment(DynamicPropertyRegistry registry) {
		registry.add("sample.relay.upstream", () -> "127.0.0.1:" + RedisServerProcess.shared().port());
		// Spring Data's own connection goes straight to Redis: to check what went through the relay
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> RedisServerProcess.shared().port());
		registry.add("sample.checksum.root", ROOT::toString);
	}

	/**
	 * Return bytes from a seeded generator.
	 * @param size the number of bytes
	 * @param seed the seed
	 * @return the bytes
	 */
	protected static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	private static Path createFiles() {
		try {
			Path top = Files.createTempDirectory("posm-sample");
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					FileSystemUtils.deleteRecursively(top);
				}
				catch (IOException ex) {
					// a temporary directory: the system cleans it in the end
				}
			}, "posm-sample-files"));
			Path root = Files.createDirectories(top.resolve("root"));
			Path outside = Files.createDirectories(top.resolve("outside"));
			Path inside = Files.createDirectories(root.resolve("inside"));
			Files.write(inside.resolve("data.bin"), randomBytes(300_000, 1));
			Files.createFile(inside.resolve("empty.txt"));
			Files.writeString(outside.resolve("secret.txt"), "not for you");
			Files.createSymbolicLink(root.resolve("link-out"), outside.resolve("secret.txt"));
			Files.createSymbolicLink(root.resolve("link-in"), inside.resolve("data.bin"));
			return top;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create the test files", ex);
		}
	}

}
