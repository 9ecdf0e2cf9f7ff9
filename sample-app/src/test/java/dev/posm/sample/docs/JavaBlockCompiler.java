package dev.posm.sample.docs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import dev.posm.sample.docs.Readme.Block;

/**
 * Compiles a Java block of the README as printed, a source file of its own, with
 * {@code javac --release 17} against the test class path (posm-core, the starter,
 * Spring Boot's web and Actuator starters, Reactor), and loads what it declares.
 *
 * @author posm
 */
final class JavaBlockCompiler {

	private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

	private static final Pattern PUBLIC_TYPE = Pattern.compile(
			"^public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
			Pattern.MULTILINE);

	private static final String BASELINE = "17";

	// javac over the whole test class path takes a second or more: once per block is enough
	private static final Map<Block, Class<?>> compiled = new ConcurrentHashMap<>();

	private JavaBlockCompiler() {
	}

	/**
	 * Compile the block and load its public type.
	 * @param block a Java block of the README
	 * @return the type the block declares
	 * @throws AssertionError if the block does not compile, naming the README's lines
	 */
	static Class<?> compile(Block block) {
		return compiled.computeIfAbsent(block, JavaBlockCompiler::compileAndLoad);
	}

	private static Class<?> compileAndLoad(Block block) {
		String type = publicType(block);
		Matcher pkg = PACKAGE.matcher(block.text());
		String packageName = pkg.find() ? pkg.group(1) : "";
		try {
			Path root = Files.createTempDirectory("posm-readme");
			Path sources = root.resolve("src");
			Path classes = Files.createDirectories(root.resolve("classes"));
			Path source = sources.resolve(packageName.replace('.', File.separatorChar)).resolve(type + ".java");
			Files.createDirectories(source.getParent());
			Files.writeString(source, block.text());
			JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
			DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
			try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
				List<String> options = List.of("--release", BASELINE, "-proc:none", "-Xlint:all", "-classpath",
						classPath(), "-d", classes.toString());
				boolean compiled = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source))
					.call();
				List<String> problems = new ArrayList<>();
				for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
					if (diagnostic.getKind() == Diagnostic.Kind.ERROR || diagnostic.getKind() == Diagnostic.Kind.WARNING
							|| diagnostic.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
						problems.add(describe(block, diagnostic));
					}
				}
				if (!compiled || !problems.isEmpty()) {
					throw new AssertionError("The Java block at " + block + " does not compile as printed:\n"
							+ String.join("\n", problems));
				}
			}
			URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
					JavaBlockCompiler.class.getClassLoader());
			return Class.forName(packageName.isEmpty() ? type : packageName + "." + type, false, loader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ClassNotFoundException ex) {
			throw new AssertionError("The Java block at " + block + " compiled without declaring " + type, ex);
		}
	}

	/**
	 * Return the name of the public top-level type the block declares.
	 * @param block a Java block
	 * @return the simple name of the type
	 * @throws AssertionError if the block declares none
	 */
	static String publicType(Block block) {
		Matcher type = PUBLIC_TYPE.matcher(block.text());
		if (!type.find()) {
			throw new AssertionError("The Java block at " + block + " declares no public top-level type: write it "
					+ "as a whole source file (imports, then one public class, interface or record) so that it "
					+ "compiles as printed");
		}
		return type.group(1);
	}

	private static String describe(Block block, Diagnostic<? extends JavaFileObject> diagnostic) {
		String where = (diagnostic.getLineNumber() > 0)
				? "README.md line " + (block.line() + diagnostic.getLineNumber() - 1) : "README.md";
		return "  " + where + ": " + diagnostic.getKind().toString().toLowerCase(Locale.ROOT) + ": "
				+ diagnostic.getMessage(Locale.ROOT);
	}

	// Surefire may hand the JVM one jar whose manifest lists the class path: javac reads it too
	private static String classPath() {
		String classPath = System.getProperty("java.class.path", "");
		if (classPath.isBlank()) {
			throw new IllegalStateException("No class path to compile the README's Java blocks against");
		}
		return classPath;
	}

}
