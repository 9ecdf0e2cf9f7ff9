package dev.posm.netty;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.LeakDetection;
import dev.posm.LeakLog;
import dev.posm.PosmAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Netty buffer dropped without release: found through the garbage collector, counted
 * once for its agent's name, and logged naming the agent and what the connection was
 * serving when the buffer was taken; under paranoid detection with the stack.
 *
 * @author posm
 */
class PosmByteBufLeakTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	@RegisterExtension
	final LeakLog leakLog = new LeakLog();

	@ParameterizedTest
	@EnumSource(value = LeakDetection.class, names = { "SIMPLE", "PARANOID" })
	void aDroppedBufferIsReportedWithItsAgentAndWhatItServed(LeakDetection level) {
		PosmAllocator memory = Allocators.pooled("netty-leaky").leakDetection(level).build();
		Agents agents = new Agents(memory);
		Agent connection = agents.open("http-server");
		PosmByteBufAllocator allocator = new PosmByteBufAllocator(connection);
		allocator.serving("GET /orders from /127.0.0.1:53412");
		ByteBuf released = allocator.buffer(100);
		allocator.serving("POST /the/path from /127.0.0.1:53413");
		WeakReference<ByteBuf> dropped = takeGrowAndDrop(allocator);
		allocator.serving(null);
		released.release();
		connection.close();
		await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
			System.gc();
			return dropped.get() == null && agents.leaks("http-server") == 1 && this.leakLog.records().size() == 1;
		});
		// found once: no second count or line comes later
		await().during(Duration.ofMillis(300))
			.atMost(PATIENCE)
			.until(() -> agents.leaks("http-server") == 1 && this.leakLog.records().size() == 1);
		LogRecord record = this.leakLog.records().get(0);
		// it grew into a block of 8 KiB: the report is of the memory it held when dropped
		assertThat(record.getMessage()).startsWith("LEAK: a POSM of 8192 bytes from allocator 'netty-leaky', "
				+ "taken by agent 'http-server' while serving POST /the/path from /127.0.0.1:53413, "
				+ "was dropped without release()");
		if (level == LeakDetection.PARANOID) {
			assertThat(record.getLevel()).isEqualTo(Level.SEVERE);
			assertThat(stackOf(record.getThrown())).contains("PosmByteBufAllocator")
				.contains("takeGrowAndDrop");
		}
		else {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
		}
		assertThat(connection.stats().bytesInUse()).isZero();
		assertThat(memory.stats().bytesInUse()).isZero();
		assertThat(memory.leaks()).isEqualTo(1);
		memory.close();
	}

	private static WeakReference<ByteBuf> takeGrowAndDrop(PosmByteBufAllocator allocator) {
		ByteBuf buffer = allocator.buffer(1000);
		buffer.writeZero(5000);
		return new WeakReference<>(buffer);
	}

	private static String stackOf(Throwable throwable) {
		StringWriter stack = new StringWriter();
		throwable.printStackTrace(new PrintWriter(stack));
		return stack.toString();
	}

}
