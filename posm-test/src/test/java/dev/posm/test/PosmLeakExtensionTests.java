package dev.posm.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.Allocators;
import dev.posm.Posm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * {@link PosmLeakExtension} run by the JUnit Platform on test classes of its own
 * (nested here, and enabled only while these tests run them): a test that leaks a
 * POSM or keeps memory fails, naming the agent, a clean one passes; it finds posm's
 * agents in a Spring test's application context, and says what to do where it finds
 * none.
 *
 * @author posm
 */
class PosmLeakExtensionTests {

	private static final String CASES = "dev.posm.test.PosmLeakExtensionTests#runningCases";

	@Test
	void failsTheTestThatLeaksAndPassesTheOthers() {
		Events tests = run(RegisteredCase.class);
		tests.assertStatistics((stats) -> stats.started(3).succeeded(1).failed(2));
		tests.assertThatEvents()
			.haveExactly(1, event(test("clean"), finishedSuccessfully()))
			.haveExactly(1, event(test("dropsAPosm"), finishedWithFailure(instanceOf(AssertionFailedError.class),
					message((text) -> text.contains("agent 'uploads': 1 POSM dropped without release")))))
			.haveExactly(1, event(test("keepsAPosm"), finishedWithFailure(instanceOf(AssertionFailedError.class),
					message((text) -> text.contains("agent 'downloads': 4096 bytes still held")))));
	}

	@Test
	void findsTheAgentsOfASpringTest() {
		Events tests = run(SpringCase.class);
		tests.assertStatistics((stats) -> stats.started(2).succeeded(1).failed(1));
		tests.assertThatEvents()
			.haveExactly(1, event(test("clean"), finishedSuccessfully()))
			.haveExactly(1, event(test("dropsAPosm"), finishedWithFailure(instanceOf(AssertionFailedError.class),
					message((text) -> text.contains("agent 'jobs': 1 POSM dropped without release")))));
	}

	@Test
	void saysWhatToDoWhereItFindsNoAgents() {
		Events tests = run(NoAgentsCase.class);
		tests.assertThatEvents()
			.haveExactly(1, event(test("anything"),
					finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
							message((text) -> text.contains("PosmLeakExtension found no posm Agents for "
									+ NoAgentsCase.class.getName())
									&& text.contains("PosmLeakExtension.of(agents)")))));
	}

	private static volatile boolean runningCases;

	private static Events run(Class<?> testClass) {
		runningCases = true;
		try {
			return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
		}
		finally {
			runningCases = false;
		}
	}

	/**
	 * Whether the cases below are run by these tests, rather than found by the build.
	 * @return whether to run them
	 */
	static boolean runningCases() {
		return runningCases;
	}

	private static void takeAndDrop(Agent agent, int size) {
		agent.allocate(size).buffer().put(0, (byte) 1);
	}

	@EnabledIf(CASES)
	static class RegisteredCase {

		static final Agents agents = Agents.builder(Allocators.pooled("extension").build()).build();

		@RegisterExtension
		static final PosmLeakExtension leaks = PosmLeakExtension.of(agents).within(Duration.ofSeconds(2));

		static Posm kept;

		@Test
		void clean() {
			try (Agent connection = agents.open("uploads")) {
				connection.allocate(100).release();
			}
		}

		@Test
		void dropsAPosm() {
			try (Agent connection = agents.open("uploads")) {
				takeAndDrop(connection, 100);
			}
		}

		@Test
		void keepsAPosm() {
			try (Agent connection = agents.open("downloads")) {
				kept = connection.allocate(4096);
			}
		}

	}

	@EnabledIf(CASES)
	@SpringJUnitConfig
	@ExtendWith(PosmLeakExtension.class)
	static class SpringCase {

		@Autowired
		private Agents agents;

		@Test
		void clean() {
			this.agents.agent("jobs").allocate(10).release();
		}

		@Test
		void dropsAPosm() {
			takeAndDrop(this.agents.agent("jobs"), 10);
		}

		@Configuration(proxyBeanMethods = false)
		static class AgentsConfiguration {

			@Bean
			Agents agents() {
				return Agents.builder(Allocators.recycling("spring").build()).build();
			}

		}

	}

	@EnabledIf(CASES)
	@ExtendWith(PosmLeakExtension.class)
	static class NoAgentsCase {

		@Test
		void anything() {
			assertThat(true).isTrue();
		}

	}

}
