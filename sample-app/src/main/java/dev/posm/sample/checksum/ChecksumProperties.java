package dev.posm.sample.checksum;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the checksum service. Checked when bound: a bad value
 * stops start-up with a message that names the property.
 *
 * @author posm
 */
@ConfigurationProperties("sample.checksum")
public class ChecksumProperties implements Validator {

	/** Largest chunk the service may be configured to read at once. */
	static final DataSize MAX_CHUNK_SIZE = DataSize.ofMegabytes(16);

	/**
	 * Directory whose files GET /api/checksum may read, relative to the working
	 * directory or absolute; nothing outside it is served.
	 */
	// a String, not a Path: Spring would read a relative Path as a class path resource
	private String root = ".";

	/**
	 * Size of the POSM each chunk of a body or a file is read into.
	 */
	private DataSize chunkSize = DataSize.ofKilobytes(64);

	public String getRoot() {
		return this.root;
	}

	public void setRoot(String root) {
		this.root = root;
	}

	/**
	 * Return the root directory as a path.
	 * @return the path, relative to the working directory unless absolute
	 */
	Path rootPath() {
		return Path.of(this.root);
	}

	public DataSize getChunkSize() {
		return this.chunkSize;
	}

	public void setChunkSize(DataSize chunkSize) {
		this.chunkSize = chunkSize;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ChecksumProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		ChecksumProperties properties = (ChecksumProperties) target;
		DataSize chunkSize = properties.getChunkSize();
		if (chunkSize.toBytes() < 1 || chunkSize.compareTo(MAX_CHUNK_SIZE) > 0) {
			errors.rejectValue("chunkSize", "range",
					"must be between 1B and " + MAX_CHUNK_SIZE.toMegabytes() + "MB");
		}
		Path root;
		try {
			root = properties.rootPath();
		}
		catch (InvalidPathException ex) {
			errors.rejectValue("root", "path", "must be a directory path: " + ex.getMessage());
			return;
		}
		if (!Files.isDirectory(root)) {
			errors.rejectValue("root", "directory",
					"must be an existing directory; '" + root.toAbsolutePath() + "' is not one");
		}
	}

}
