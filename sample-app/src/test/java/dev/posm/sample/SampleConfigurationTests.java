package dev.posm.sample;

import dev.posm.autoconfigure.PosmAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.validation.FieldError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's properties are checked when bound: a bad value stops start-up, and what
 * is reported names the property and what would be right.
 *
 * @author posm
 */
class SampleConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class))
		.withUserConfiguration(SampleApplication.class)
		.withPropertyValues("sample.relay.port=0");

	@Test
	void refusesARelayPortOutOfRange() {
		assertRefused("sample.relay.port=70000", "sample.relay", "port", "between 0 and 65535");
	}

	@Test
	void refusesAnUpstreamThatIsNotHostColonPort() {
		assertRefused("sample.relay.upstream=localhost", "sample.relay", "upstream", "not a host:port address");
	}

	@Test
	void refusesBuffersOfNoSizeOrTooLarge() {
		assertRefused("sample.relay.transfer-buffer=0", "sample.relay", "transferBuffer", "between 1B and 64MB");
		assertRefused("sample.relay.handshake-buffer=1GB", "sample.relay", "handshakeBuffer", "between 1B and 64MB");
	}

	@Test
	void refusesAnIdleBufferLargerThanTheTransferBuffer() {
		assertRefused("sample.relay.idle-buffer=32KB", "sample.relay", "idleBuffer",
				"must not be larger than sample.relay.transfer-buffer");
		assertRefused("sample.relay.idle-buffer=0", "sample.relay", "idleBuffer", "between 1B and 64MB");
	}

	@Test
	void refusesANegativeIdleTimeout() {
		assertRefused("sample.relay.idle-timeout=-1s", "sample.relay", "idleTimeout", "must be 0 (no timeout) or more");
	}

	@Test
	void refusesABacklogOfNothing() {
		assertRefused("sample.relay.backlog=0", "sample.relay", "backlog", "must be at least 1");
	}

	@Test
	void refusesAChecksumRootThatIsNoDirectory() {
		assertRefused("sample.checksum.root=no/such/directory", "sample.checksum", "root",
				"must be an existing directory");
	}

	@Test
	void startsWithTheDefaults() {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
	}

	private void assertRefused(String property, String prefix, String field, String reason) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof BindValidationException)) {
				failure = failure.getCause();
			}
			assertThat(failure).as("a BindValidationException").isNotNull();
			BindValidationException validation = (BindValidationException) failure;
			assertThat(validation.getValidationErrors().getName().toString()).isEqualTo(prefix);
			assertThat(validation.getValidationErrors().getAllErrors()).singleElement()
				.isInstanceOfSatisfying(FieldError.class, (error) -> {
					assertThat(error.getField()).isEqualTo(field);
					assertThat(error.getDefaultMessage()).contains(reason);
				});
		});
	}

}
