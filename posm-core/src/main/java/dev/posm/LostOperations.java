package dev.posm;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

import org.jspecify.annotations.Nullable;

/**
 * Tells the user, where it happens, that work which most likely belongs to an operation
 * took a POSM without it: {@link Posms#allocate} found no current operation, posm did
 * not hand the work over (it would have said which operation, or none), and either
 * <ul>
 * <li>the thread was started inside an operation that is still running, or</li>
 * <li>the thread is one that work handed over without context lands on (the common
 * {@link ForkJoinPool}, where {@code CompletableFuture.supplyAsync} runs, or a Reactor
 * scheduler), while a shared agent of an {@link Agents} (what {@code @AsyncAgent} uses)
 * has an operation running.</li>
 * </ul>
 * Each agent name is logged once (logger {@code dev.posm.misuse}); under
 * {@link LeakDetection#PARANOID} the take throws an {@link IllegalStateException} with
 * the same message instead. A thread that was never started in an operation and is none
 * of those is never reported. Only takes outside every operation come here, and only
 * after posm found no operation: the hot path of an operation never does.
 *
 * @author posm
 */
final class LostOperations {

	private static final System.Logger logger = System.getLogger("dev.posm.misuse");

	/** The shared agents of every {@link Agents}, weakly: they go with their agents. */
	private static final Queue<WeakReference<Agent>> sharedAgents = new ConcurrentLinkedQueue<>();

	private static final ClassValue<Boolean> reactorThreadClasses = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			// Reactor's parallel and single schedulers mark their threads; posm-core does not depend on Reactor
			for (Class<?> c = type; c != null; c = c.getSuperclass()) {
				for (Class<?> marker : c.getInterfaces()) {
					if (marker.getName().equals("reactor.core.scheduler.NonBlocking")) {
						return true;
					}
				}
			}
			return false;
		}

	};

	private LostOperations() {
	}

	/**
	 * Watch a new shared agent: its running operations are what work on a pool thread
	 * most likely meant.
	 */
	static void watch(Agent agent) {
		sharedAgents.removeIf((reference) -> reference.get() == null);
		sharedAgents.add(new WeakReference<>(agent));
	}

	/**
	 * Report a take that found no current operation on work that posm did not hand over,
	 * if an operation it most likely meant is running.
	 * @param binding the binding of the calling thread
	 * @param size the size asked for
	 * @throws IllegalStateException under paranoid leak detection, if reported
	 */
	static void check(ThreadBinding binding, int size) {
		Operation startedIn = binding.startedInRunningOperation();
		if (startedIn != null) {
			report(startedIn.agent(), size, "was started inside an operation of agent '" + startedIn.agent().name()
					+ "' that is still running");
			return;
		}
		if (sharedAgents.isEmpty()) {
			return;
		}
		String pool = poolOf(Thread.currentThread());
		if (pool == null) {
			return;
		}
		for (Iterator<WeakReference<Agent>> agents = sharedAgents.iterator(); agents.hasNext();) {
			Agent agent = agents.next().get();
			if (agent == null) {
				agents.remove();
			}
			else if ((isParanoid(agent) || !agent.group().lostOperationLogged()) && agent.group().hasActiveOperations()) {
				report(agent, size, "is a thread of " + pool + ", while agent '" + agent.name()
						+ "' has an operation running");
			}
		}
	}

	private static @Nullable String poolOf(Thread thread) {
		if (thread instanceof ForkJoinWorkerThread worker && worker.getPool() == ForkJoinPool.commonPool()) {
			return "the common ForkJoinPool (where CompletableFuture.supplyAsync and parallel streams run)";
		}
		if (reactorThreadClasses.get(thread.getClass()) || thread.getName().startsWith("boundedElastic-")) {
			return "a Reactor scheduler";
		}
		return null;
	}

	private static void report(Agent agent, int size, String where) {
		if (isParanoid(agent)) {
			throw new IllegalStateException(message(agent, size, where));
		}
		AgentGroup group = agent.group();
		// read first: once logged, a lost take writes nothing that another thread reads
		if (!group.lostOperationLogged() && group.claimLostOperationLog()) {
			logger.log(System.Logger.Level.WARNING, message(agent, size, where));
		}
	}

	private static boolean isParanoid(Agent agent) {
		return agent.leakDetection() == LeakDetection.PARANOID;
	}

	private static String message(Agent agent, int size, String where) {
		return "Posms.allocate(" + size + ") found no current operation on thread '" + Thread.currentThread().getName()
				+ "', which " + where + ": this work most likely belongs to that operation. Outside every operation"
				+ " a POSM comes from allocator '" + Posms.defaultAllocator().name() + "', and nothing gives it back"
				+ " when the operation of agent '" + agent.name() + "' completes. Hand the work over so that the"
				+ " operation follows it: Posms.supplyAsync(..) or Posms.runAsync(..) in place of CompletableFuture's,"
				+ " Posms.wrap(executor) or Posms.wrap(task) for an executor or a thread, posm's OperationTaskDecorator"
				+ " on a Spring executor; a Reactor chain returned by the @AsyncAgent method, or"
				+ " spring.reactor.context-propagation=auto. If this work is not part of the operation, take from"
				+ " Posms.defaultAllocator() to say so.";
	}

}
