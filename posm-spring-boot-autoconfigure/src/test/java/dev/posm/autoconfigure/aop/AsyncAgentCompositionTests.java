package dev.posm.autoconfigure.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.aopalliance.aop.Advice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.interceptor.TransactionInterceptor;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.posm.Agent;
import dev.posm.AgentStats;
import dev.posm.Agents;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;
import dev.posm.autoconfigure.PosmAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests that {@code @AsyncAgent} composes with {@code @Async}, whichever post-processor
 * comes first, and with {@code @Transactional}.
 *
 * @author posm
 */
class AsyncAgentCompositionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PosmAutoConfiguration.class, TaskExecutionAutoConfiguration.class));

	@ParameterizedTest(name = "@EnableAsync(order = {0})")
	@ValueSource(ints = { Ordered.LOWEST_PRECEDENCE, Ordered.HIGHEST_PRECEDENCE, 0 })
	void asyncRunsTheOperationOnTheExecutorWhicheverPostProcessorComesFirst(int asyncOrder) {
		Class<?> configuration = switch (asyncOrder) {
			case Ordered.LOWEST_PRECEDENCE -> LateAsyncConfiguration.class;
			case Ordered.HIGHEST_PRECEDENCE -> EarlyAsyncConfiguration.class;
			default -> MiddleAsyncConfiguration.class;
		};
		this.runner.withUserConfiguration(configuration, JobsConfiguration.class).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			List<Class<?>> chain = adviceChain(jobs);
			assertThat(chain).containsExactly(AsyncAnnotationAdvisor.class, AsyncAgentInterceptor.class);
			AgentStats before = stats(context.getBean(Agents.class));
			AtomicReference<AgentStats> seen = new AtomicReference<>();
			String ran = jobs.run(100).thenApply((value) -> {
				seen.set(stats(context.getBean(Agents.class)));
				return value;
			}).get(10, TimeUnit.SECONDS);
			assertThat(ran).startsWith("jobs@").isNotEqualTo("jobs@" + Thread.currentThread().getName());
			assertThat(seen.get().bytesInUse()).isZero();
			assertThat(seen.get().reclaimed() - before.reclaimed()).isEqualTo(1);
			CountDownLatch done = new CountDownLatch(1);
			jobs.fire(100, done);
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			await().until(() -> stats(context.getBean(Agents.class)).activeOperations() == 0);
			assertThat(stats(context.getBean(Agents.class)).reclaimed() - before.reclaimed()).isEqualTo(2);
		});
	}

	@Test
	void transactionRunsInsideTheOperation() {
		this.runner.withUserConfiguration(TransactionalConfiguration.class).run((context) -> {
			Ledger ledger = context.getBean(Ledger.class);
			RecordingTransactionManager transactions = context.getBean(RecordingTransactionManager.class);
			assertThat(adviceChain(ledger)).containsExactly(AsyncAgentInterceptor.class, TransactionInterceptor.class);
			assertThat(ledger.record()).isEqualTo("ledger in a transaction");
			assertThat(transactions.events).containsExactly("begin in ledger", "commit in ledger");
			assertThatThrownBy(ledger::fail).isInstanceOf(IllegalStateException.class);
			assertThat(transactions.events).endsWith("begin in ledger", "rollback in ledger");
			AgentStats stats = context.getBean(Agents.class).agent("ledger").stats();
			assertThat(stats.operations()).isEqualTo(2);
			assertThat(stats.failedOperations()).isEqualTo(1);
			assertThat(stats.bytesInUse()).isZero();
			assertThat(stats.reclaimed()).isEqualTo(2);
		});
	}

	@Test
	void asyncTransactionalAgent() {
		this.runner.withUserConfiguration(TransactionalConfiguration.class, LateAsyncConfiguration.class)
			.run((context) -> {
				Ledger ledger = context.getBean(Ledger.class);
				assertThat(adviceChain(ledger)).containsExactly(AsyncAnnotationAdvisor.class,
						AsyncAgentInterceptor.class, TransactionInterceptor.class);
				String result = ledger.recordLater().get(10, TimeUnit.SECONDS);
				assertThat(result).startsWith("ledger in a transaction@")
					.isNotEqualTo("ledger in a transaction@" + Thread.currentThread().getName());
				assertThat(context.getBean(RecordingTransactionManager.class).events).containsExactly("begin in ledger",
						"commit in ledger");
				assertThat(context.getBean(Agents.class).agent("ledger").stats().bytesInUse()).isZero();
			});
	}

	/**
	 * The advice of a proxy from the outside in: an advisor's advice class, or the
	 * {@code @Async} advisor itself.
	 */
	private static List<Class<?>> adviceChain(Object proxy) {
		List<Class<?>> chain = new ArrayList<>();
		for (Advisor advisor : ((Advised) proxy).getAdvisors()) {
			if (advisor instanceof AsyncAnnotationAdvisor) {
				chain.add(AsyncAnnotationAdvisor.class);
			}
			else {
				Advice advice = advisor.getAdvice();
				chain.add(advice.getClass());
			}
		}
		return chain;
	}

	private static AgentStats stats(Agents agents) {
		return agents.agent("jobs").stats();
	}

	private static String currentAgentName() {
		return Posms.currentAgent().map(Agent::name).orElse("none");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class LateAsyncConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync(order = Ordered.HIGHEST_PRECEDENCE)
	static class EarlyAsyncConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync(order = 0)
	static class MiddleAsyncConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class JobsConfiguration {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	@AsyncAgent("jobs")
	public static class Jobs {

		@Async
		public CompletableFuture<String> run(int size) {
			Posms.allocate(size);
			return CompletableFuture.completedFuture(currentAgentName() + "@" + Thread.currentThread().getName());
		}

		@Async
		public void fire(int size, CountDownLatch done) {
			Posms.allocate(size);
			if (currentAgentName().equals("jobs")) {
				done.countDown();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionalConfiguration {

		@Bean
		RecordingTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

		@Bean
		Ledger ledger() {
			return new Ledger();
		}

	}

	@AsyncAgent("ledger")
	public static class Ledger {

		@Transactional
		public String record() {
			Posms.allocate(100);
			return currentAgentName()
					+ (TransactionSynchronizationManager.isActualTransactionActive() ? " in a transaction" : "");
		}

		@Transactional
		public String fail() {
			Posms.allocate(100);
			throw new IllegalStateException("rolled back");
		}

		@Async
		@Transactional
		public CompletableFuture<String> recordLater() {
			return CompletableFuture.completedFuture(record() + "@" + Thread.currentThread().getName());
		}

	}

	/**
	 * A transaction manager without a resource: it records what it did and which agent's
	 * operation was current then.
	 */
	@SuppressWarnings("serial")
	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.events.add("begin in " + currentAgentName());
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.events.add("commit in " + currentAgentName());
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.events.add("rollback in " + currentAgentName());
		}

	}

}
