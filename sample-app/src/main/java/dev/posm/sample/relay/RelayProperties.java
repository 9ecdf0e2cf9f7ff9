package dev.posm.sample.relay;

import java.net.InetAddress;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties of the relay. Checked when bound: a bad value stops start-up
 * with a message that names the property.
 *
 * @author posm
 */
@ConfigurationProperties("sample.relay")
public class RelayProperties implements Validator {

	/** Largest POSM the relay may be configured to take. */
	static final DataSize MAX_BUFFER = DataSize.ofMegabytes(64);

	/**
	 * Whether to run the relay.
	 */
	private boolean enabled = true;

	/**
	 * Port the relay listens on; 0 picks a free port.
	 */
	private int port = 6380;

	/**
	 * Address the relay listens on.
	 */
	private InetAddress address = InetAddress.getLoopbackAddress();

	/**
	 * Address (host:port) every connection is relayed to. Without one, the relay starts
	 * a built-in echo server and relays to it.
	 */
	private @Nullable String upstream;

	/**
	 * Size of the POSM a read waits with while its side is silent: the first read of a
	 * connection, and every read after one that did not fill its POSM.
	 */
	private DataSize idleBuffer = DataSize.ofKilobytes(1);

	/**
	 * Size of the POSM of the client's first read that follows a full one: the rest of a
	 * first request larger than the idle buffer.
	 */
	private DataSize handshakeBuffer = DataSize.ofKilobytes(64);

	/**
	 * Size of the POSMs of every later read that follows a full one, one per direction at
	 * a time.
	 */
	private DataSize transferBuffer = DataSize.ofKilobytes(16);

	/**
	 * Time a connection may move no byte either way before the relay closes it; 0 keeps
	 * silent connections open for good.
	 */
	private Duration idleTimeout = Duration.ofMinutes(5);

	/**
	 * Connections the system may queue for the relay to accept, capped by the system's
	 * own limit (net.core.somaxconn on Linux).
	 */
	private int backlog = 4096;

	/**
	 * Time allowed to connect to the upstream.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Threads that complete the relay's I/O. Default: one per processor.
	 */
	private int ioThreads = Runtime.getRuntime().availableProcessors();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public InetAddress getAddress() {
		return this.address;
	}

	public void setAddress(InetAddress address) {
		this.address = address;
	}

	public @Nullable String getUpstream() {
		return this.upstream;
	}

	public void setUpstream(@Nullable String upstream) {
		this.upstream = upstream;
	}

	public DataSize getIdleBuffer() {
		return this.idleBuffer;
	}

	public void setIdleBuffer(DataSize idleBuffer) {
		this.idleBuffer = idleBuffer;
	}

	public DataSize getHandshakeBuffer() {
		return this.handshakeBuffer;
	}

	public void setHandshakeBuffer(DataSize handshakeBuffer) {
		this.handshakeBuffer = handshakeBuffer;
	}

	public DataSize getTransferBuffer() {
		return this.transferBuffer;
	}

	public void setTransferBuffer(DataSize transferBuffer) {
		this.transferBuffer = transferBuffer;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public int getBacklog() {
		return this.backlog;
	}

	public void setBacklog(int backlog) {
		this.backlog = backlog;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	/**
	 * Return the upstream address, if one is configured.
	 * @return the address, or {@code null} for the built-in echo server
	 */
	@Nullable HostAndPort upstreamAddress() {
		String upstream = this.upstream;
		return (upstream != null && !upstream.isBlank()) ? HostAndPort.parse(upstream) : null;
	}

	@Override
	public boolean supports(Class<?> type) {
		return RelayProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		RelayProperties properties = (RelayProperties) target;
		if (properties.getPort() < 0 || properties.getPort() > 65535) {
			errors.rejectValue("port", "range", "must be between 0 and 65535 (0 picks a free port)");
		}
		try {
			properties.upstreamAddress();
		}
		catch (IllegalArgumentException ex) {
			errors.rejectValue("upstream", "format", ex.getMessage());
		}
		boolean idleValid = checkBuffer(properties.getIdleBuffer(), "idleBuffer", errors);
		checkBuffer(properties.getHandshakeBuffer(), "handshakeBuffer", errors);
		boolean transferValid = checkBuffer(properties.getTransferBuffer(), "transferBuffer", errors);
		if (idleValid && transferValid && properties.getIdleBuffer().compareTo(properties.getTransferBuffer()) > 0) {
			errors.rejectValue("idleBuffer", "range",
					"must not be larger than sample.relay.transfer-buffer (" + properties.getTransferBuffer() + ")");
		}
		if (properties.getIdleTimeout().isNegative()) {
			errors.rejectValue("idleTimeout", "range", "must be 0 (no timeout) or more");
		}
		if (properties.getBacklog() < 1) {
			errors.rejectValue("backlog", "range", "must be at least 1");
		}
		if (properties.getConnectTimeout().isNegative() || properties.getConnectTimeout().isZero()) {
			errors.rejectValue("connectTimeout", "range", "must be more than zero");
		}
		if (properties.getIoThreads() < 1) {
			errors.rejectValue("ioThreads", "range", "must be at least 1");
		}
	}

	private static boolean checkBuffer(DataSize size, String field, Errors errors) {
		if (size.toBytes() < 1 || size.compareTo(MAX_BUFFER) > 0) {
			errors.rejectValue(field, "range", "must be between 1B and " + MAX_BUFFER.toMegabytes() + "MB");
			return false;
		}
		return true;
	}

}
