package dev.posm.sample.relay;

import java.net.InetSocketAddress;

/**
 * A {@code host:port} address as written in configuration ({@code localhost:6379},
 * {@code 10.0.0.5:6379}, {@code [::1]:6379}), resolved when a connection is made.
 *
 * @param host the host name or address, without brackets
 * @param port the port, 1 to 65535
 * @author posm
 */
public record HostAndPort(String host, int port) {

	/**
	 * Parse a {@code host:port} address.
	 * @param text the address
	 * @return the host and port
	 * @throws IllegalArgumentException if the text is not a {@code host:port} address
	 */
	public static HostAndPort parse(String text) {
		String trimmed = text.trim();
		int colon = trimmed.lastIndexOf(':');
		if (colon <= 0 || colon == trimmed.length() - 1) {
			throw new IllegalArgumentException(
					"'" + text + "' is not a host:port address (such as localhost:6379 or [::1]:6379)");
		}
		String host = trimmed.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		else if (host.indexOf(':') >= 0) {
			throw new IllegalArgumentException("'" + text + "' has an IPv6 host without brackets: write [" + host
					+ "]" + trimmed.substring(colon));
		}
		if (host.isBlank()) {
			throw new IllegalArgumentException("'" + text + "' has no host");
		}
		int port;
		try {
			port = Integer.parseInt(trimmed.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("'" + text + "' has port " + port + ": ports go from 1 to 65535");
		}
		return new HostAndPort(host, port);
	}

	/**
	 * Resolve the host now: a name may point elsewhere from one connection to the next.
	 * @return the socket address, unresolved if the name is unknown
	 */
	public InetSocketAddress resolve() {
		return new InetSocketAddress(this.host, this.port);
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
