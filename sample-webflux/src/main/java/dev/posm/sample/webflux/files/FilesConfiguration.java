package dev.posm.sample.webflux.files;

import java.nio.file.Path;

import dev.posm.sample.webflux.WebFluxSampleProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The directory of downloads, from {@code sample.webflux.files.root}.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
class FilesConfiguration {

	@Bean
	FileDirectory fileDirectory(WebFluxSampleProperties properties) {
		return new FileDirectory(Path.of(properties.getFiles().getRoot()));
	}

}
