package dev.posm.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

import dev.posm.Agents;

/**
 * A JUnit extension that fails every test that leaks posm's memory: a POSM found
 * dropped without release during the test, or memory still held (compared with the
 * test's start) {@value LeakCheck#DEFAULT_TIMEOUT_SECONDS} seconds after it. See
 * {@link LeakCheck}.
 * <p>
 * In a Spring test (such as {@code @SpringBootTest}) it finds posm's {@link Agents} in
 * the test's application context:
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;ExtendWith(PosmLeakExtension.class)
 * class UploadTests { ... }
 * </pre>
 * Elsewhere, register it with the agents to watch:
 * <pre class="code">
 * &#64;RegisterExtension
 * static PosmLeakExtension leaks = PosmLeakExtension.of(() -&gt; agents);
 * </pre>
 *
 * @author posm
 */
public class PosmLeakExtension implements BeforeEachCallback, AfterEachCallback {

	private static final Namespace NAMESPACE = Namespace.create(PosmLeakExtension.class);

	private static final String SPRING_EXTENSION = "org.springframework.test.context.junit.jupiter.SpringExtension";

	private final @Nullable Supplier<Agents> agents;

	private final Duration timeout;

	/**
	 * Create an extension that finds posm's {@link Agents} in the Spring test's
	 * application context: what {@code @ExtendWith(PosmLeakExtension.class)} makes.
	 */
	public PosmLeakExtension() {
		this(null, Duration.ofSeconds(LeakCheck.DEFAULT_TIMEOUT_SECONDS));
	}

	private PosmLeakExtension(@Nullable Supplier<Agents> agents, Duration timeout) {
		this.agents = agents;
		this.timeout = timeout;
	}

	/**
	 * Create an extension that watches the given agents.
	 * @param agents the agents of the code under test
	 * @return the extension
	 */
	public static PosmLeakExtension of(Agents agents) {
		Objects.requireNonNull(agents, "agents must not be null");
		return of(() -> agents);
	}

	/**
	 * Create an extension that watches the agents the given supplier returns before each
	 * test (such as those of a field that {@code @BeforeAll} sets).
	 * @param agents the supplier of the agents of the code under test
	 * @return the extension
	 */
	public static PosmLeakExtension of(Supplier<Agents> agents) {
		Objects.requireNonNull(agents, "agents must not be null");
		return new PosmLeakExtension(agents, Duration.ofSeconds(LeakCheck.DEFAULT_TIMEOUT_SECONDS));
	}

	/**
	 * Return an extension that waits the given time after each test for memory to be
	 * given back.
	 * @param timeout the most to wait
	 * @return a new extension
	 */
	public PosmLeakExtension within(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
		}
		return new PosmLeakExtension(this.agents, timeout);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		context.getStore(NAMESPACE).put(LeakCheck.class, LeakCheck.start(agents(context)).within(this.timeout));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		LeakCheck check = context.getStore(NAMESPACE).remove(LeakCheck.class, LeakCheck.class);
		if (check != null) {
			check.assertNoLeaks();
		}
	}

	private Agents agents(ExtensionContext context) {
		if (this.agents != null) {
			return Objects.requireNonNull(this.agents.get(), "the supplier of PosmLeakExtension returned no agents");
		}
		ClassLoader loader = context.getRequiredTestClass().getClassLoader();
		if (isPresent(SPRING_EXTENSION, loader)) {
			Agents agents = SpringTestAgents.find(context);
			if (agents != null) {
				return agents;
			}
		}
		throw new ExtensionConfigurationException("PosmLeakExtension found no posm Agents for "
				+ context.getRequiredTestClass().getName() + ": use it in a Spring test whose application context "
				+ "has posm's Agents (@SpringBootTest with the posm starter), or register it with "
				+ "@RegisterExtension static PosmLeakExtension leaks = PosmLeakExtension.of(agents)");
	}

	private static boolean isPresent(String className, @Nullable ClassLoader loader) {
		try {
			Class.forName(className, false, loader);
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
