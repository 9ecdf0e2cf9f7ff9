package dev.posm.aottests;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.posm.PosmAllocator;

/**
 * The web side: a checksum, a greeting, and the allocator injected by its name.
 *
 * @author posm
 */
@RestController
class HashController {

	private final Hasher hasher;

	private final Greeter greeter;

	private final PosmAllocator hashIo;

	HashController(Hasher hasher, Greeter greeter, @Qualifier("hash-io") PosmAllocator hashIo) {
		this.hasher = hasher;
		this.greeter = greeter;
		this.hashIo = hashIo;
	}

	@GetMapping("/hash")
	CompletableFuture<Hasher.Hash> hash(@RequestParam String text) {
		return this.hasher.hash(text);
	}

	@GetMapping("/greet")
	String greet(@RequestParam String name) {
		return this.greeter.greet(name);
	}

	@GetMapping("/hash-io")
	Map<String, Object> hashIo() {
		return Map.of("name", this.hashIo.name(), "type", this.hashIo.type());
	}

}
