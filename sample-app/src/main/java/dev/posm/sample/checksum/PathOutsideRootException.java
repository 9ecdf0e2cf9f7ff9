package dev.posm.sample.checksum;

/**
 * Thrown when a requested path leads outside the checksum root: {@code ..} segments,
 * an absolute path elsewhere, a symbolic link that points out.
 *
 * @author posm
 */
public class PathOutsideRootException extends RuntimeException {

	/**
	 * Create an exception for the given requested path.
	 * @param requested the path as the client wrote it
	 */
	public PathOutsideRootException(String requested) {
		super("Path '" + requested + "' leads outside the directory this service may read (sample.checksum.root)");
	}

}
