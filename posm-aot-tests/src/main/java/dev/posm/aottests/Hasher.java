package dev.posm.aottests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

import org.springframework.stereotype.Service;

import dev.posm.Agent;
import dev.posm.Posm;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

/**
 * An agent on a class (a class-based proxy): each call copies the text into a POSM of
 * the current operation and checksums it there.
 *
 * @author posm
 */
@Service
@AsyncAgent("hasher")
public class Hasher {

	/**
	 * Checksum a text.
	 * @param text the text
	 * @return what the operation saw
	 */
	public CompletableFuture<Hash> hash(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		Posm posm = Posms.allocate(bytes.length);
		ByteBuffer buffer = posm.buffer().put(bytes).flip();
		CRC32C crc = new CRC32C();
		crc.update(buffer);
		String agent = Posms.currentAgent().map(Agent::name).orElse("none");
		// not released here: the operation's end takes it back, before the future completes
		return CompletableFuture.completedFuture(new Hash(agent, Posms.currentAllocator().name(), crc.getValue()));
	}

	/**
	 * What one operation saw.
	 *
	 * @param agent the current agent's name
	 * @param allocator the current allocator's name
	 * @param crc the checksum
	 */
	public record Hash(String agent, String allocator, long crc) {
	}

}
