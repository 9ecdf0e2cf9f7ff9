package dev.posm.sample.checksum;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of the checksum service.
 *
 * @author posm
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChecksumProperties.class)
class ChecksumConfiguration {

	@Bean
	ChecksumRoot checksumRoot(ChecksumProperties properties) {
		return new ChecksumRoot(properties.rootPath());
	}

	@Bean
	ChecksumService checksumService(ChecksumProperties properties) {
		return new ChecksumService((int) properties.getChunkSize().toBytes());
	}

}
