package dev.posm.sample.webflux;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the reactive sample. Checked when bound: a bad value stops
 * start-up with a message that names the property.
 *
 * @author posm
 */
@ConfigurationProperties("sample.webflux")
public class WebFluxSampleProperties implements Validator {

	private static final long MAX_CHUNK_BYTES = DataSize.ofMegabytes(16).toBytes();

	private final Downloads files = new Downloads();

	private final UpstreamService upstream = new UpstreamService();

	public Downloads getFiles() {
		return this.files;
	}

	public UpstreamService getUpstream() {
		return this.upstream;
	}

	@Override
	public boolean supports(Class<?> type) {
		return WebFluxSampleProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		WebFluxSampleProperties properties = (WebFluxSampleProperties) target;
		long chunkBytes = properties.files.chunkSize.toBytes();
		if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
			errors.rejectValue("files.chunkSize", "range", "must be between 1B and 16MB");
		}
		if (!isDirectory(properties.files.root)) {
			errors.rejectValue("files.root", "directory", "must be an existing directory");
		}
		URI baseUrl = properties.upstream.baseUrl;
		if (baseUrl != null && !(isHttp(baseUrl.getScheme()) && baseUrl.getHost() != null)) {
			errors.rejectValue("upstream.baseUrl", "url",
					"must be an http or https URL with a host, such as http://localhost:8090");
		}
		if (properties.upstream.maxIdleTime.isNegative() || properties.upstream.maxIdleTime.isZero()) {
			errors.rejectValue("upstream.maxIdleTime", "range", "must be a positive duration, such as 30s");
		}
	}

	private static boolean isDirectory(String path) {
		try {
			return Files.isDirectory(Path.of(path));
		}
		catch (InvalidPathException ex) {
			return false;
		}
	}

	private static boolean isHttp(@Nullable String scheme) {
		return "http".equals(scheme) || "https".equals(scheme);
	}

	/**
	 * The downloads of {@code GET /api/files/{name}}.
	 */
	public static class Downloads {

		/**
		 * Directory whose files GET /api/files/{name} serves, relative to the working
		 * directory or absolute; nothing outside it is served.
		 */
		// a String, not a Path: Spring would read a relative Path as a class path resource
		private String root = ".";

		/**
		 * Size of the buffers a file is read into, one after another.
		 */
		private DataSize chunkSize = DataSize.ofKilobytes(64);

		public String getRoot() {
			return this.root;
		}

		public void setRoot(String root) {
			this.root = root;
		}

		public DataSize getChunkSize() {
			return this.chunkSize;
		}

		public void setChunkSize(DataSize chunkSize) {
			this.chunkSize = chunkSize;
		}

	}

	/**
	 * The service {@code GET /api/client/bytes} calls.
	 */
	public static class UpstreamService {

		/**
		 * Base URL of the service the client route calls, such as
		 * http://localhost:8090; none: this service itself, on its own port.
		 */
		private @Nullable URI baseUrl;

		/**
		 * How long a connection of the WebClient may stay idle in its pool before it is
		 * closed; keep it shorter than the upstream's idle timeout (this service's is
		 * server.netty.idle-timeout), or a request may be sent on a connection the
		 * upstream is closing.
		 */
		private Duration maxIdleTime = Duration.ofSeconds(30);

		public @Nullable URI getBaseUrl() {
			return this.baseUrl;
		}

		public void setBaseUrl(@Nullable URI baseUrl) {
			this.baseUrl = baseUrl;
		}

		public Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

	}

}
