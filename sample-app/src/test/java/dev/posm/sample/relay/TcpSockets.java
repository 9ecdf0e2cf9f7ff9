package dev.posm.sample.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The TCP sockets of this machine as Linux lists them ({@code /proc/net/tcp} and
 * {@code tcp6}): what {@code ss} shows, to tell whether the relay still holds sockets
 * towards an upstream, and in which state.
 *
 * @author posm
 */
final class TcpSockets {

	/** {@code ESTABLISHED}. */
	static final int ESTABLISHED = 0x01;

	/** {@code CLOSE-WAIT}: the peer has closed, this side has not. */
	static final int CLOSE_WAIT = 0x08;

	private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

	private TcpSockets() {
	}

	/**
	 * Return whether this system lists its sockets where this class reads them.
	 * @return {@code true} on Linux
	 */
	static boolean listed() {
		return Files.isReadable(TABLES.get(0));
	}

	/**
	 * Count the sockets connected to the given remote port in one of the given states.
	 * @param remotePort the port of the peer
	 * @param states the states, such as {@link #ESTABLISHED}
	 * @return the number of sockets
	 */
	static int toRemotePort(int remotePort, int... states) {
		int count = 0;
		for (Path table : TABLES) {
			if (!Files.isReadable(table)) {
				continue;
			}
			List<String> lines;
			try {
				lines = Files.readAllLines(table);
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read " + table, ex);
			}
			// "sl local_address rem_address st ...", addresses as hex "ADDRESS:PORT"
			for (String line : lines.subList(1, lines.size())) {
				String[] fields = line.trim().split("\\s+");
				String remote = fields[2];
				int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
				int state = Integer.parseInt(fields[3].toLowerCase(Locale.ROOT), 16);
				if (port == remotePort && contains(states, state)) {
					count++;
				}
			}
		}
		return count;
	}

	private static boolean contains(int[] values, int value) {
		for (int candidate : values) {
			if (candidate == value) {
				return true;
			}
		}
		return false;
	}

}
