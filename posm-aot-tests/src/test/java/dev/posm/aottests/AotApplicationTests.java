package dev.posm.aottests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.posm.PosmAllocator;
import dev.posm.autoconfigure.InvalidPosmPropertyException;
import dev.posm.autoconfigure.aot.PosmPropertyFixedAtBuildTimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts {@link AotApplication} from the code that Spring AOT generated for it in this
 * module's build ({@code process-aot}, with the {@code application.yml} of
 * {@code src/main}), as {@code java -Dspring.aot.enabled=true} would: it behaves as the
 * plain application does, and a {@code posm.*} value given on the command line either
 * takes effect or stops start-up with a message that names it.
 *
 * @author posm
 */
@ExtendWith(OutputCaptureExtension.class)
class AotApplicationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void startsFromTheGeneratedCode() {
		assertThat(AotDetector.useGeneratedArtifacts()).as("spring.aot.enabled").isTrue();
		run((context) -> {
			// a definition read from generated code has its instance supplier; one made by
			// the registrar at run time would not
			RootBeanDefinition hashIo = (RootBeanDefinition) context.getBeanFactory().getBeanDefinition("hash-io");
			assertThat(hashIo.getInstanceSupplier()).isNotNull();
			assertThat(context.getClassLoader()
				.getResource("dev/posm/aottests/AotApplication__ApplicationContextInitializer.class")).isNotNull();
		});
	}

	@Test
	void allocatorsAreBeansByName() {
		run((context) -> {
			assertThat(context.getBeansOfType(PosmAllocator.class)).containsOnlyKeys("default", "hash-io");
			assertThat(context.getBean("hash-io", PosmAllocator.class).type()).isEqualTo("pooled");
			JsonNode injected = getJson(context, "/hash-io");
			assertThat(injected.get("name").asString()).isEqualTo("hash-io");
			assertThat(injected.get("type").asString()).isEqualTo("pooled");
		});
	}

	@Test
	void agentsAreCurrentInTheirMethods() {
		run((context) -> {
			assertThat(AopUtils.isAopProxy(context.getBean(Hasher.class))).isTrue();
			JsonNode hash = getJson(context, "/hash?text=posm");
			assertThat(hash.get("agent").asString()).isEqualTo("hasher");
			assertThat(hash.get("allocator").asString()).isEqualTo("hash-io");
			assertThat(get(context, "/greet?name=aot")).isEqualTo("hello aot from greeter");
		});
	}

	@Test
	void endpointAndMetersShowTheAllocatorsAndAgents() {
		run((context) -> {
			getJson(context, "/hash?text=posm");
			JsonNode posm = getJson(context, "/actuator/posm");
			assertThat(posm.get("allocators").get("hash-io").get("type").asString()).isEqualTo("pooled");
			assertThat(posm.get("allocators").get("hash-io").get("allocations").asLong()).isOne();
			assertThat(posm.get("allocators").get("hash-io").get("reclaimed").asLong()).isOne();
			assertThat(posm.get("agents").get("hasher").get("allocator").asString()).isEqualTo("hash-io");
			assertThat(getJson(context, "/actuator/posm/hash-io").get("type").asString()).isEqualTo("pooled");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("posm.reclaimed").tag("allocator", "hash-io").functionCounter().count()).isOne();
			assertThat(meters.get("posm.agent.operations").tag("agent", "hasher").tag("outcome", "success")
				.functionCounter().count()).isOne();
		});
	}

	@Test
	void webClientConnectionsAreAgents() {
		run((context) -> {
			assertThat(get(context, "/relay?name=netty")).isEqualTo("hello netty from greeter");
			JsonNode client = getJson(context, "/actuator/posm/http-client");
			assertThat(client.get("allocator").asString()).isEqualTo("default");
			assertThat(client.get("allocations").asLong()).isPositive();
			assertThat(client.get("openAgents").asInt()).isOne();
		});
	}

	@Test
	void reactorNettySwitchedAtRunTimeStopsStartUp(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.netty.client.enabled=false"))
			.isInstanceOf(PosmPropertyFixedAtBuildTimeException.class)
			.withMessageContaining("'posm.netty.client.enabled'");
		assertThat(output).contains("Property 'posm.netty.client.enabled' was fixed at build time")
			.contains("At run time: false");
	}

	@Test
	void allocatorSettingsGivenAtRunTimeTakeEffect() {
		run((context) -> assertThat(getJson(context, "/actuator/posm/hash-io").get("type").asString())
			.isEqualTo("slab"), "--posm.allocators.hash-io.type=slab");
		run((context) -> {
			JsonNode hashIo = getJson(context, "/actuator/posm/hash-io");
			assertThat(hashIo.get("direct").asBoolean()).isFalse();
			assertThat(hashIo.get("details").get("maxRetained").asLong()).isEqualTo(1024 * 1024);
		}, "--posm.allocators.hash-io.direct=false", "--posm.allocators.hash-io.max-retained=1MB");
	}

	@Test
	void agentsAndTheDefaultAllocatorGivenAtRunTimeTakeEffect() {
		run((context) -> assertThat(getJson(context, "/hash?text=posm").get("allocator").asString())
			.isEqualTo("default"), "--posm.agents.hasher.allocator=default");
		run((context) -> {
			get(context, "/greet?name=x");
			assertThat(getJson(context, "/actuator/posm/greeter").get("allocator").asString()).isEqualTo("hash-io");
		}, "--posm.default-allocator=hash-io");
		// the default allocator is a bean whether posm.allocators names it or not
		run((context) -> assertThat(context.getBean("default", PosmAllocator.class).type()).isEqualTo("unpooled"),
				"--posm.allocators.default.type=unpooled");
	}

	@Test
	void anAllocatorAddedAtRunTimeStopsStartUp(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.allocators.extra.type=pooled"))
			.isInstanceOf(PosmPropertyFixedAtBuildTimeException.class)
			.withMessageContaining("'posm.allocators.extra'");
		assertThat(output).contains("Property 'posm.allocators.extra' was fixed at build time")
			.contains("At build time (AOT processing): not set (the allocators of posm.allocators were [hash-io])")
			.contains("process it again");
	}

	@Test
	void anAgentBoundToAnAllocatorAddedAtRunTimeStopsStartUpOnTheAllocator() {
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.allocators.extra.type=pooled", "--posm.agents.hasher.allocator=extra"))
			.isInstanceOf(PosmPropertyFixedAtBuildTimeException.class)
			.withMessageContaining("'posm.allocators.extra'");
	}

	@Test
	void disablingAtRunTimeStopsStartUp(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.enabled=false")).isInstanceOf(PosmPropertyFixedAtBuildTimeException.class);
		assertThat(output).contains("Property 'posm.enabled' was fixed at build time")
			.contains("At run time: false")
			.contains("At build time (AOT processing): true");
	}

	@Test
	void observationsSwitchedAtRunTimeStopStartUp() {
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.observations.enabled=true"))
			.isInstanceOf(PosmPropertyFixedAtBuildTimeException.class)
			.withMessageContaining("'posm.observations.enabled'");
	}

	@Test
	void aBadValueAtRunTimeIsAnalyzedAsWithoutAot(CapturedOutput output) {
		// the type is an enum: Boot's conversion fails, and posm's analyzer reports it the same way
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.allocators.hash-io.type=bogus"));
		assertThat(output).contains("Invalid value 'bogus' for property 'posm.allocators.hash-io.type'")
			.contains("Reason: there is no allocator type of that name");
		assertThatException().isThrownBy(() -> run((context) -> {
		}, "--posm.agents.hasher.allocator=nope")).havingRootCause().isInstanceOf(InvalidPosmPropertyException.class);
		assertThat(output).contains("Invalid value 'nope' for property 'posm.agents.hasher.allocator'");
	}

	private void run(Consumer<ConfigurableApplicationContext> check, String... args) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(args));
		SpringApplication application = new SpringApplication(AotApplication.class);
		// what names the generated initializer; deduced from the stack, it would be surefire's
		application.setMainApplicationClass(AotApplication.class);
		try (ConfigurableApplicationContext context = application.run(arguments.toArray(String[]::new))) {
			check.accept(context);
		}
	}

	private JsonNode getJson(ConfigurableApplicationContext context, String path) {
		return json.readTree(get(context, path));
	}

	private String get(ConfigurableApplicationContext context, String path) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			return response.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
	}

}
