package dev.posm.sample.webflux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad {@code sample.webflux.*} value stops start-up with a message that names it.
 *
 * @author posm
 */
class WebFluxSamplePropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsAreValid() {
		this.contextRunner.run((context) -> {
			WebFluxSampleProperties properties = context.getBean(WebFluxSampleProperties.class);
			assertThat(properties.getFiles().getRoot()).isEqualTo(".");
			assertThat(properties.getFiles().getChunkSize().toKilobytes()).isEqualTo(64);
			assertThat(properties.getUpstream().getBaseUrl()).isNull();
			assertThat(properties.getUpstream().getMaxIdleTime()).hasSeconds(30);
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			sample.webflux.files.root=no-such-directory      | files.root       | must be an existing directory
			sample.webflux.files.root=pom.xml                | files.root       | must be an existing directory
			sample.webflux.files.chunk-size=0B               | files.chunkSize  | must be between 1B and 16MB
			sample.webflux.files.chunk-size=17MB             | files.chunkSize  | must be between 1B and 16MB
			sample.webflux.upstream.base-url=ftp://host/     | upstream.baseUrl | must be an http or https URL
			sample.webflux.upstream.base-url=localhost:8090  | upstream.baseUrl | must be an http or https URL
			sample.webflux.upstream.max-idle-time=0s         | upstream.maxIdleTime | must be a positive duration
			""")
	void badValueStopsStartUpNamingIt(String property, String field, String message) {
		this.contextRunner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'sample.webflux'")
				.hasMessageContaining("field '" + field + "'")
				.hasMessageContaining(message);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(WebFluxSampleProperties.class)
	static class PropertiesConfiguration {

	}

}
