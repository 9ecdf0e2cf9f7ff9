package dev.posm.sample.webflux.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import dev.posm.sample.webflux.api.BadParameterException;

/**
 * The directory downloads come from. Only a plain file name is served: no directory
 * part, no leading dot, and the file must really be in the directory (a symbolic link
 * that leads out is not found).
 *
 * @author posm
 */
public class FileDirectory {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}");

	private final Path directory;

	/**
	 * Create the directory of downloads.
	 * @param directory the directory; symbolic links in its path are resolved once, now
	 */
	public FileDirectory(Path directory) {
		try {
			this.directory = directory.toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Directory '" + directory + "' cannot be resolved", ex);
		}
	}

	/**
	 * Return the directory, with its symbolic links resolved.
	 * @return the directory
	 */
	public Path path() {
		return this.directory;
	}

	/**
	 * Find a file of the directory by its name.
	 * @param name the name as the client wrote it
	 * @return the real path of the file
	 * @throws BadParameterException if the name is not a plain file name
	 * @throws NoSuchFileException if the directory holds no regular file of that name
	 * @throws IOException if the file system cannot tell
	 */
	public Path file(String name) throws IOException {
		if (!NAME.matcher(name).matches()) {
			throw new BadParameterException("name", name,
					"a file name of letters, digits, '.', '_' and '-', not starting with '.'");
		}
		Path real;
		try {
			real = this.directory.resolve(name).toRealPath();
		}
		catch (NoSuchFileException ex) {
			throw new NoSuchFileException(name);
		}
		if (!this.directory.equals(real.getParent()) || !Files.isRegularFile(real)) {
			throw new NoSuchFileException(name);
		}
		return real;
	}

}
