package dev.posm.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.posm.AllocatorType;
import dev.posm.LeakDetection;

/**
 * Configuration properties for posm: named allocators and the agents bound to them.
 *
 * @author posm
 */
@ConfigurationProperties("posm")
public class PosmProperties {

	/**
	 * Name of the allocator that is always there unless redefined.
	 */
	public static final String DEFAULT_ALLOCATOR_NAME = "default";

	/**
	 * Whether to enable posm: allocator beans, agents and the @AsyncAgent advisor. When
	 * disabled, Posms.allocate hands out plain heap buffers that nothing tracks.
	 */
	private boolean enabled = true;

	/**
	 * Name of the allocator of code outside every agent and of agents bound to none.
	 */
	private String defaultAllocator = DEFAULT_ALLOCATOR_NAME;

	/**
	 * How hard allocators look for POSMs dropped without release.
	 */
	private LeakDetection leakDetection = LeakDetection.SIMPLE;

	/**
	 * Named allocators, each registered as a PosmAllocator bean of that name.
	 */
	private Map<String, Allocator> allocators = new LinkedHashMap<>();

	/**
	 * Agents, by name: the allocator each takes its POSMs from.
	 */
	private Map<String, Agent> agents = new LinkedHashMap<>();

	private final Observations observations = new Observations();

	private final Netty netty = new Netty();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getDefaultAllocator() {
		return this.defaultAllocator;
	}

	public void setDefaultAllocator(String defaultAllocator) {
		this.defaultAllocator = defaultAllocator;
	}

	public LeakDetection getLeakDetection() {
		return this.leakDetection;
	}

	public void setLeakDetection(LeakDetection leakDetection) {
		this.leakDetection = leakDetection;
	}

	public Map<String, Allocator> getAllocators() {
		return this.allocators;
	}

	public void setAllocators(Map<String, Allocator> allocators) {
		this.allocators = allocators;
	}

	public Map<String, Agent> getAgents() {
		return this.agents;
	}

	public void setAgents(Map<String, Agent> agents) {
		this.agents = agents;
	}

	public Observations getObservations() {
		return this.observations;
	}

	public Netty getNetty() {
		return this.netty;
	}

	/**
	 * Settings of one named allocator. The defaults are those of
	 * {@link dev.posm.Allocators}.
	 */
	public static class Allocator {

		/**
		 * Strategy of the allocator.
		 */
		private AllocatorType type = AllocatorType.RECYCLING;

		/**
		 * Whether to hand out direct (off-heap) buffers rather than heap buffers. A slab
		 * is always direct.
		 */
		private boolean direct = true;

		/**
		 * Largest POSM served from pooled blocks; larger ones are served unpooled and
		 * never retained.
		 */
		private DataSize maxBlockSize = DataSize.ofMegabytes(1);

		/**
		 * Bound on the memory kept for reuse; 0 keeps nothing.
		 */
		private DataSize maxRetained = DataSize.ofMegabytes(64);

		/**
		 * Blocks each platform thread keeps per size class (recycling only).
		 */
		private int threadCacheBlocks = 2;

		/**
		 * Size of the contiguous region POSMs are carved from (slab only).
		 */
		private DataSize slabSize = DataSize.ofMegabytes(16);

		public AllocatorType getType() {
			return this.type;
		}

		public void setType(AllocatorType type) {
			this.type = type;
		}

		public boolean isDirect() {
			return this.direct;
		}

		public void setDirect(boolean direct) {
			this.direct = direct;
		}

		public DataSize getMaxBlockSize() {
			return this.maxBlockSize;
		}

		public void setMaxBlockSize(DataSize maxBlockSize) {
			this.maxBlockSize = maxBlockSize;
		}

		public DataSize getMaxRetained() {
			return this.maxRetained;
		}

		public void setMaxRetained(DataSize maxRetained) {
			this.maxRetained = maxRetained;
		}

		public int getThreadCacheBlocks() {
			return this.threadCacheBlocks;
		}

		public void setThreadCacheBlocks(int threadCacheBlocks) {
			this.threadCacheBlocks = threadCacheBlocks;
		}

		public DataSize getSlabSize() {
			return this.slabSize;
		}

		public void setSlabSize(DataSize slabSize) {
			this.slabSize = slabSize;
		}

	}

	/**
	 * Settings of one agent.
	 */
	public static class Agent {

		/**
		 * Name of the allocator the agent takes its POSMs from, before the one named by
		 * its @AsyncAgent annotation.
		 */
		private @Nullable String allocator;

		/**
		 * Released blocks each agent of the name keeps for its next operations, from 0 to 16.
		 */
		private int cacheBlocks = 2;

		/**
		 * Budget of one agent of this name (one connection, one chain): the most its
		 * POSMs may hold at once. Unset: none.
		 */
		private @Nullable DataSize maxBytesInUse;

		/**
		 * Budget of every agent of this name together. Unset: none.
		 */
		private @Nullable DataSize maxTotalBytesInUse;

		public @Nullable String getAllocator() {
			return this.allocator;
		}

		public void setAllocator(@Nullable String allocator) {
			this.allocator = allocator;
		}

		public int getCacheBlocks() {
			return this.cacheBlocks;
		}

		public void setCacheBlocks(int cacheBlocks) {
			this.cacheBlocks = cacheBlocks;
		}

		public @Nullable DataSize getMaxBytesInUse() {
			return this.maxBytesInUse;
		}

		public void setMaxBytesInUse(@Nullable DataSize maxBytesInUse) {
			this.maxBytesInUse = maxBytesInUse;
		}

		public @Nullable DataSize getMaxTotalBytesInUse() {
			return this.maxTotalBytesInUse;
		}

		public void setMaxTotalBytesInUse(@Nullable DataSize maxTotalBytesInUse) {
			this.maxTotalBytesInUse = maxTotalBytesInUse;
		}

	}

	/**
	 * Settings of the observations of agents' operations.
	 */
	public static class Observations {

		/**
		 * Whether to record an observation 'posm.operation' (tags agent and outcome) of
		 * every @AsyncAgent operation, when Micrometer's observation support is present.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of the agents that Reactor Netty's connections get: one opened agent per
	 * connection, installed as the connection's allocator.
	 */
	public static class Netty {

		private final Server server = new Server();

		private final Client client = new Client();

		public Server getServer() {
			return this.server;
		}

		public Client getClient() {
			return this.client;
		}

		/**
		 * The connections a Reactor Netty server (WebFlux) accepts.
		 */
		public static class Server extends Connections {

			public Server() {
				super("http-server");
			}

		}

		/**
		 * The connections of the Reactor Netty HttpClient behind WebClient and RestClient.
		 */
		public static class Client extends Connections {

			public Client() {
				super("http-client");
			}

		}

	}

	/**
	 * Settings of the connections of one side of Reactor Netty.
	 */
	public abstract static class Connections {

		/**
		 * Whether each connection gets an opened agent of its own as its allocator. When
		 * disabled, Netty's own allocator serves it.
		 */
		private boolean enabled = true;

		/**
		 * Name of the connections' agents, whose allocator and budgets are those of
		 * posm.agents.<name>.
		 */
		private String agent;

		protected Connections(String agent) {
			this.agent = agent;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getAgent() {
			return this.agent;
		}

		public void setAgent(String agent) {
			this.agent = agent;
		}

	}

}
