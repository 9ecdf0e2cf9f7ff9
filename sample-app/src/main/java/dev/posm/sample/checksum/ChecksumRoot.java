package dev.posm.sample.checksum;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The directory whose files may be digested, and the check that keeps every request
 * inside it.
 *
 * @author posm
 */
public class ChecksumRoot {

	private final Path root;

	/**
	 * Create a root for the given directory.
	 * @param root the directory; symbolic links in it are resolved once, now
	 */
	public ChecksumRoot(Path root) {
		try {
			this.root = root.toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Checksum root '" + root + "' cannot be resolved", ex);
		}
	}

	/**
	 * Return the directory, with its symbolic links resolved.
	 * @return the directory
	 */
	public Path directory() {
		return this.root;
	}

	/**
	 * Resolve a requested path, relative to the root or absolute, to a regular file
	 * under the root.
	 * @param requested the path as the client wrote it
	 * @return the real path of the file, every symbolic link resolved
	 * @throws PathOutsideRootException if the path, or the file a link in it leads to,
	 * is outside the root
	 * @throws NoSuchFileException if there is no such file under the root
	 * @throws IllegalArgumentException if the path is empty, not a valid path, or not a
	 * regular file
	 * @throws IOException if the file system cannot tell
	 */
	public Path resolve(String requested) throws IOException {
		if (requested.isBlank()) {
			throw new IllegalArgumentException("Parameter 'path' must not be empty");
		}
		Path path;
		try {
			path = Path.of(requested);
		}
		catch (InvalidPathException ex) {
			throw new IllegalArgumentException("Parameter 'path' is not a valid path: " + ex.getReason());
		}
		// judged on the name first, so that nothing is told about files outside
		Path candidate = this.root.resolve(path).normalize();
		if (!candidate.startsWith(this.root)) {
			throw new PathOutsideRootException(requested);
		}
		Path real;
		try {
			real = candidate.toRealPath();
		}
		catch (NoSuchFileException ex) {
			throw new NoSuchFileException(requested, null, "no such file under the checksum root");
		}
		// then on where links lead
		if (!real.startsWith(this.root)) {
			throw new PathOutsideRootException(requested);
		}
		if (!Files.isRegularFile(real)) {
			throw new IllegalArgumentException("Path '" + requested + "' is not a regular file");
		}
		return real;
	}

}
