package dev.posm.sample.docs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.PosmAutoConfiguration;
import dev.posm.sample.docs.Readme.Block;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code of {@code README.md} as a reader copies it: every Java block compiles as
 * printed (a whole source file, {@code javac --release 17}), every YAML block is read
 * by Spring Boot and starts posm, and the quick start and the code without Spring do
 * what the text around them says.
 *
 * @author posm
 */
class ReadmeCodeTests {

	private static final Readme README = Readme.load();

	@TestFactory
	Stream<DynamicTest> everyJavaBlockCompilesAsPrinted() {
		List<Block> blocks = README.blocks("java");
		assertThat(blocks).as("the Java blocks of " + README.file()).isNotEmpty();
		return blocks.stream()
			.map((block) -> DynamicTest.dynamicTest(block.toString(), () -> JavaBlockCompiler.compile(block)));
	}

	@TestFactory
	Stream<DynamicTest> everyYamlBlockStartsPosm() {
		List<Block> blocks = README.blocks("yaml");
		assertThat(blocks).as("the YAML blocks of " + README.file()).isNotEmpty();
		return blocks.stream().map((block) -> DynamicTest.dynamicTest(block.toString(), () -> posm(block)
			.run((context) -> assertThat(context).as(block.toString()).hasNotFailed().hasSingleBean(Agents.class))));
	}

	@Test
	void theQuickStartDigestsAFileWithTheMemoryOfItsAgent(@TempDir Path directory) throws Exception {
		Class<?> serviceType = JavaBlockCompiler.compile(javaBlockDeclaring("ChecksumService"));
		byte[] data = new byte[300_000];
		new Random(12).nextBytes(data);
		Path file = Files.write(directory.resolve("data.bin"), data);
		String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		Block configuration = yamlBlockWith("checksum-io");
		// no @EnableAsync: the quick start says none is needed
		posm(configuration).withClassLoader(serviceType.getClassLoader()).withBean(serviceType).run((context) -> {
			assertThat(context).hasNotFailed();
			Object service = context.getBean(serviceType);
			assertThat(AopUtils.isAopProxy(service)).as("@AsyncAgent makes the service an agent").isTrue();
			Method sha256 = serviceType.getMethod("sha256", Path.class);
			Agent agent = context.getBean(Agents.class).agent("checksum");
			for (int call = 0; call < 2; call++) {
				CompletableFuture<?> digest = (CompletableFuture<?>) sha256.invoke(service, file);
				// what the caller's stage sees when it completes: the chunk is back already
				CompletableFuture<Long> heldWhenSeen = digest.thenApply((hex) -> agent.stats().bytesInUse());
				assertThat(digest.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
				assertThat(heldWhenSeen.get(30, TimeUnit.SECONDS)).isZero();
			}
			PosmAllocator allocator = context.getBean("checksum-io", PosmAllocator.class);
			assertThat(agent.allocator()).as("the allocator of the agent, from the YAML").isSameAs(allocator);
			AgentStats stats = agent.stats();
			assertThat(stats.operations()).isEqualTo(2);
			assertThat(stats.failedOperations()).isZero();
			assertThat(stats.allocations()).isEqualTo(2);
			assertThat(stats.recycled()).as("the second call reuses the first call's chunk").isEqualTo(1);
			assertThat(stats.reclaimed()).as("no release(): posm takes each chunk back").isEqualTo(2);
			assertThat(stats.bytesInUse()).isZero();
		});
	}

	@Test
	void theSupplyAsyncExampleTakesFromItsOperationOnAPoolThread() throws Exception {
		Class<?> serviceType = JavaBlockCompiler.compile(javaBlockDeclaring("CrcService"));
		byte[] data = new byte[10_000];
		new Random(7).nextBytes(data);
		CRC32C expected = new CRC32C();
		expected.update(data);
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
			.withPropertyValues("posm.allocators.crc-io.type=pooled", "posm.agents.crc.allocator=crc-io")
			.withClassLoader(serviceType.getClassLoader())
			.withBean(serviceType)
			.run((context) -> {
				Object service = context.getBean(serviceType);
				Method crc = serviceType.getMethod("crc", byte[].class);
				Agent agent = context.getBean(Agents.class).agent("crc");
				for (int call = 0; call < 2; call++) {
					CompletableFuture<?> value = (CompletableFuture<?>) crc.invoke(service, (Object) data);
					CompletableFuture<Long> heldWhenSeen = value.thenApply((crc32) -> agent.stats().bytesInUse());
					assertThat(value.get(30, TimeUnit.SECONDS)).isEqualTo(expected.getValue());
					assertThat(heldWhenSeen.get(30, TimeUnit.SECONDS)).isZero();
				}
				AgentStats stats = agent.stats();
				assertThat(stats.operations()).isEqualTo(2);
				assertThat(stats.allocations()).as("the copies, taken on a pool thread, are the agent's").isEqualTo(2);
				assertThat(stats.reclaimed()).as("no release(): posm takes each copy back").isEqualTo(2);
				assertThat(context.getBean("default", PosmAllocator.class).stats().allocations())
					.as("nothing from the default allocator")
					.isZero();
			});
	}

	@Test
	void theCodeWithoutSpringReusesOneBlockChunkAfterChunk() throws Exception {
		Class<?> type = JavaBlockCompiler.compile(javaBlockDeclaring("RelayWithoutSpring"));
		Method main = type.getMethod("main", String[].class);
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		PrintStream console = System.out;
		System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
		try {
			main.invoke(null, (Object) new String[0]);
		}
		finally {
			System.setOut(console);
		}
		// what the block's last comment says it prints
		assertThat(output.toString(StandardCharsets.UTF_8)).contains("operations=3", "allocations=3", "recycled=2",
				"reclaimed=0", "bytesInUse=0", "peakBytesInUse=16384");
	}

	private static ApplicationContextRunner posm(Block yaml) {
		List<PropertySource<?>> sources;
		try {
			sources = new YamlPropertySourceLoader().load(yaml.toString(),
					new ByteArrayResource(yaml.text().getBytes(StandardCharsets.UTF_8)));
		}
		catch (IOException | RuntimeException ex) {
			throw new AssertionError("The YAML block at " + yaml + " cannot be read: " + ex.getMessage(), ex);
		}
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
			.withInitializer((ConfigurableApplicationContext context) -> sources
				.forEach((source) -> context.getEnvironment().getPropertySources().addFirst(source)));
	}

	private static Block javaBlockDeclaring(String type) {
		List<Block> blocks = README.blocks("java");
		return blocks.stream()
			.filter((block) -> type.equals(JavaBlockCompiler.publicType(block)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No Java block of the README declares " + type + ": " + blocks));
	}

	private static Block yamlBlockWith(String text) {
		List<Block> blocks = README.blocks("yaml");
		return blocks.stream()
			.filter((block) -> block.contains(text))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No YAML block of the README has " + text + ": " + blocks));
	}

}
