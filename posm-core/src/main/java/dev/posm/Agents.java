package dev.posm;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The agents of an application, by name, and the allocator bound to each:
 * {@link #agent(String) shared agents} for concurrent operations (what
 * {@code @AsyncAgent} uses) and {@link #open(String) opened agents} for one chain each.
 * <pre class="code">
 * Agents agents = Agents.builder(defaultAllocator).allocator("relay", bigIo).build();
 * try (Agent connection = agents.open("relay")) {
 *     try (Operation read = connection.begin()) {
 *         Posm buffer = read.allocate(16 * 1024);
 *         ...
 *     }
 * }
 * </pre>
 *
 * @author posm
 */
public final class Agents {

	/** Default number of released blocks an agent keeps for its next operations. */
	public static final int DEFAULT_CACHE_BLOCKS = 2;

	/**
	 * The most released blocks an agent may keep: they serve the agent's next operations,
	 * and are neither in use nor bounded by its allocator's {@code max-retained}, so more
	 * than a few is memory that belongs back in the allocator.
	 */
	public static final int MAX_CACHE_BLOCKS = 16;

	private final PosmAllocator defaultAllocator;

	private final Map<String, PosmAllocator> allocators;

	private final Map<String, Integer> cacheBlocks;

	private final int defaultCacheBlocks;

	private final Map<String, Long> maxBytesInUse;

	private final Map<String, Long> maxTotalBytesInUse;

	private final ConcurrentHashMap<String, Agent> shared = new ConcurrentHashMap<>();

	private final List<Consumer<Agent>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create agents that all take from the given allocator.
	 * @param defaultAllocator the allocator of every agent
	 */
	public Agents(PosmAllocator defaultAllocator) {
		this(builder(defaultAllocator));
	}

	private Agents(Builder builder) {
		this.defaultAllocator = builder.defaultAllocator;
		this.allocators = Map.copyOf(builder.allocators);
		this.cacheBlocks = Map.copyOf(builder.cacheBlocks);
		this.defaultCacheBlocks = builder.defaultCacheBlocks;
		this.maxBytesInUse = Map.copyOf(builder.maxBytesInUse);
		this.maxTotalBytesInUse = Map.copyOf(builder.maxTotalBytesInUse);
	}

	/**
	 * Start building agents whose allocator is, unless configured, the given one.
	 * @param defaultAllocator the allocator of agents with none of their own
	 * @return a builder
	 */
	public static Builder builder(PosmAllocator defaultAllocator) {
		return new Builder(defaultAllocator);
	}

	/**
	 * Return the shared agent of the given name, made on first use with its configured
	 * allocator, else the default one.
	 * @param name the agent's name
	 * @return the shared agent
	 */
	public Agent agent(String name) {
		return agent(name, null);
	}

	/**
	 * Return the shared agent of the given name, made on first use with its configured
	 * allocator, else the given one, else the default one.
	 * @param name the agent's name
	 * @param allocator the allocator to use unless one is configured for the agent
	 * @return the shared agent
	 * @throws IllegalStateException if the agent exists already with another allocator
	 */
	public Agent agent(String name, @Nullable PosmAllocator allocator) {
		checkName(name);
		Agent agent = this.shared.get(name);
		if (agent == null) {
			boolean[] created = new boolean[1];
			agent = this.shared.computeIfAbsent(name, (key) -> {
				created[0] = true;
				return new Agent(key, allocatorFor(key, allocator), cacheBlocksFor(key), maxBytesInUseFor(key),
						new AgentGroup(key, this.maxTotalBytesInUse.getOrDefault(key, 0L)), true);
			});
			if (created[0]) {
				Agent first = agent;
				LostOperations.watch(first);
				this.listeners.forEach((listener) -> listener.accept(first));
			}
		}
		if (allocator != null && !this.allocators.containsKey(name) && agent.allocator() != allocator) {
			throw new IllegalStateException("Agent '" + name + "' is bound to allocator '" + agent.allocator().name()
					+ "' already: it cannot also take from allocator '" + allocator.name() + "'");
		}
		return agent;
	}

	/**
	 * Open a new agent of the given name for one chain of operations, such as one
	 * connection. Its stats are those of its name. Close it when the chain ends.
	 * @param name the agent's name
	 * @return a new agent
	 */
	public Agent open(String name) {
		Agent shared = agent(name);
		Agent opened = new Agent(name, shared.allocator(), cacheBlocksFor(name), maxBytesInUseFor(name),
				shared.group(), false);
		shared.group().opened();
		return opened;
	}

	/**
	 * Return the shared agent of every name used so far.
	 * @return the agents, one per name
	 */
	public Collection<Agent> all() {
		return Collections.unmodifiableCollection(this.shared.values());
	}

	/**
	 * Call the given listener with the shared agent of every name used so far, and with
	 * each new one as its name is first used: to watch agents that appear at run time.
	 * @param listener the listener
	 */
	public void forEachAgent(Consumer<Agent> listener) {
		this.listeners.add(listener);
		this.shared.values().forEach(listener);
	}

	/**
	 * Return the shared agent of the given name if it has been used.
	 * @param name the agent's name
	 * @return the agent, if any
	 */
	public Optional<Agent> find(String name) {
		return Optional.ofNullable(this.shared.get(name));
	}

	/**
	 * Return how many agents of the given name are open now.
	 * @param name the agent's name
	 * @return the number of opened agents not yet closed
	 */
	public int openCount(String name) {
		Agent agent = this.shared.get(name);
		return (agent != null) ? agent.group().openCount() : 0;
	}

	/**
	 * Return the bytes of released blocks that the agents of the given name keep for
	 * their next operations: the shared agent's and every opened one's.
	 * @param name the agent's name
	 * @return the cached bytes, 0 for a name never used
	 */
	public long cachedBytes(String name) {
		Agent agent = this.shared.get(name);
		return (agent != null) ? agent.group().cachedBytes() : 0;
	}

	/**
	 * Return the operations of the agents of the given name that were dropped without
	 * {@link Operation#close()} and found by the garbage collector: each is also counted
	 * as a completed, failed operation.
	 * @param name the agent's name
	 * @return the leaked operations, 0 for a name never used
	 */
	public long operationLeaks(String name) {
		Agent agent = this.shared.get(name);
		return (agent != null) ? agent.group().operationLeaks() : 0;
	}

	/**
	 * Return the POSMs that the agents of the given name took and dropped without
	 * release, found by the garbage collector: each counted once, when found (with
	 * {@code posm.leak-detection} {@code disabled}, none are found).
	 * @param name the agent's name
	 * @return the leaked POSMs, 0 for a name never used
	 */
	public long leaks(String name) {
		Agent agent = this.shared.get(name);
		return (agent != null) ? agent.group().leaks() : 0;
	}

	/**
	 * Return the allocator of agents that have none of their own.
	 * @return the default allocator
	 */
	public PosmAllocator defaultAllocator() {
		return this.defaultAllocator;
	}

	private PosmAllocator allocatorFor(String name, @Nullable PosmAllocator allocator) {
		PosmAllocator configured = this.allocators.get(name);
		if (configured != null) {
			return configured;
		}
		return (allocator != null) ? allocator : this.defaultAllocator;
	}

	private long maxBytesInUseFor(String name) {
		return this.maxBytesInUse.getOrDefault(name, 0L);
	}

	private int cacheBlocksFor(String name) {
		return this.cacheBlocks.getOrDefault(name, this.defaultCacheBlocks);
	}

	private static void checkName(String name) {
		Objects.requireNonNull(name, "An agent name must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("An agent name must not be blank");
		}
	}

	/**
	 * Builds {@link Agents}.
	 */
	public static final class Builder {

		private final PosmAllocator defaultAllocator;

		private final Map<String, PosmAllocator> allocators = new HashMap<>();

		private final Map<String, Integer> cacheBlocks = new HashMap<>();

		private int defaultCacheBlocks = DEFAULT_CACHE_BLOCKS;

		private final Map<String, Long> maxBytesInUse = new HashMap<>();

		private final Map<String, Long> maxTotalBytesInUse = new HashMap<>();

		private Builder(PosmAllocator defaultAllocator) {
			this.defaultAllocator = Objects.requireNonNull(defaultAllocator, "defaultAllocator must not be null");
		}

		/**
		 * Bind an agent to an allocator.
		 * @param agent the agent's name
		 * @param allocator its allocator
		 * @return this builder
		 */
		public Builder allocator(String agent, PosmAllocator allocator) {
			checkName(agent);
			this.allocators.put(agent, Objects.requireNonNull(allocator, "allocator must not be null"));
			return this;
		}

		/**
		 * Set the released blocks one agent keeps for its next operations.
		 * @param agent the agent's name
		 * @param blocks the number of blocks, 0 to keep none
		 * @return this builder
		 */
		public Builder cacheBlocks(String agent, int blocks) {
			checkName(agent);
			this.cacheBlocks.put(agent, checkCacheBlocks(blocks));
			return this;
		}

		/**
		 * Set the released blocks every agent keeps unless set for it. Default 2.
		 * @param blocks the number of blocks, 0 to keep none
		 * @return this builder
		 */
		public Builder defaultCacheBlocks(int blocks) {
			this.defaultCacheBlocks = checkCacheBlocks(blocks);
			return this;
		}

		/**
		 * Set the budget of ONE agent of the given name (one connection, say): a take
		 * that would make it hold more throws {@link PosmBudgetExceededException}.
		 * Applies to agents over posm's own allocators.
		 * @param agent the agent's name
		 * @param bytes the most bytes one agent may hold, positive
		 * @return this builder
		 */
		public Builder maxBytesInUse(String agent, long bytes) {
			checkName(agent);
			this.maxBytesInUse.put(agent, checkBudget("maxBytesInUse", bytes));
			return this;
		}

		/**
		 * Set the budget of every agent of the given name together: a take that would
		 * make them hold more throws {@link PosmBudgetExceededException}. The budget is
		 * leased to the agents in chunks (at most 64 KiB, at most 1/64 of it), so it is
		 * never exceeded, and a take may be refused while up to two chunks per live agent
		 * sit leased but unused. Applies to agents over posm's own allocators.
		 * @param agent the agent's name
		 * @param bytes the most bytes the agents of the name may hold together, positive
		 * @return this builder
		 */
		public Builder maxTotalBytesInUse(String agent, long bytes) {
			checkName(agent);
			this.maxTotalBytesInUse.put(agent, checkBudget("maxTotalBytesInUse", bytes));
			return this;
		}

		private static long checkBudget(String budget, long bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException(budget + " must be positive, was " + bytes);
			}
			return bytes;
		}

		private static int checkCacheBlocks(int blocks) {
			if (blocks < 0 || blocks > MAX_CACHE_BLOCKS) {
				throw new IllegalArgumentException(
						"cacheBlocks must be between 0 and " + MAX_CACHE_BLOCKS + ", was " + blocks);
			}
			return blocks;
		}

		/**
		 * Build the agents.
		 * @return the agents
		 */
		public Agents build() {
			return new Agents(this);
		}

	}

}
