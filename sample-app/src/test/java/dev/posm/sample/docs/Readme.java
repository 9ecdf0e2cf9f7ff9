package dev.posm.sample.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of the project's {@code README.md}, read as printed.
 *
 * @author posm
 */
final class Readme {

	private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");

	private final Path file;

	private final List<Block> blocks;

	private Readme(Path file, List<Block> blocks) {
		this.file = file;
		this.blocks = blocks;
	}

	/**
	 * Read the README of the project: the one beside the parent of the module the tests
	 * run in, else the one in the working directory.
	 * @return the README
	 */
	static Readme load() {
		Path here = Path.of("").toAbsolutePath();
		for (Path candidate : List.of(here.resolveSibling("README.md"), here.resolve("README.md"))) {
			if (Files.isRegularFile(candidate) && Files.isRegularFile(candidate.resolveSibling("pom.xml"))) {
				return parse(candidate);
			}
		}
		throw new IllegalStateException("No README.md beside the project's pom.xml, above " + here);
	}

	static Readme parse(Path file) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<Block> blocks = new ArrayList<>();
		int open = -1;
		String language = null;
		for (int i = 0; i < lines.size(); i++) {
			Matcher fence = FENCE.matcher(lines.get(i));
			if (!fence.matches()) {
				continue;
			}
			if (open < 0) {
				open = i;
				language = fence.group(1);
			}
			else if (fence.group(1).isEmpty()) {
				blocks.add(new Block(language, open + 2, String.join("\n", lines.subList(open + 1, i)) + "\n"));
				open = -1;
			}
			else {
				throw new IllegalStateException(file.getFileName() + " line " + (i + 1) + ": a block opens ("
						+ lines.get(i) + ") inside the block opened at line " + (open + 1));
			}
		}
		if (open >= 0) {
			throw new IllegalStateException(file.getFileName() + " line " + (open + 1) + ": a block is never closed");
		}
		return new Readme(file, List.copyOf(blocks));
	}

	Path file() {
		return this.file;
	}

	/**
	 * Return the blocks of the given language, in the order of the file.
	 * @param language the language after the opening fence, such as {@code java}
	 * @return the blocks
	 */
	List<Block> blocks(String language) {
		return this.blocks.stream().filter((block) -> block.language().equals(language)).toList();
	}

	/**
	 * One fenced block.
	 *
	 * @param language what follows the opening fence, empty if nothing
	 * @param line the line of the README where the block's text starts (1-based)
	 * @param text the text between the fences, each line ending with a line feed
	 */
	record Block(String language, int line, String text) {

		/**
		 * Return whether the block's text has the given string.
		 * @param string what to look for
		 * @return whether the text contains it
		 */
		boolean contains(String string) {
			return this.text.contains(string);
		}

		@Override
		public String toString() {
			return "README.md line " + this.line + " (" + this.language + ")";
		}

	}

}
