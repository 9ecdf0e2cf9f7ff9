package dev.posm.sample.relay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HostAndPort}.
 *
 * @author posm
 */
class HostAndPortTests {

	@Test
	void parsesNamesAddressesAndBracketedIpv6() {
		assertThat(HostAndPort.parse("localhost:6379")).isEqualTo(new HostAndPort("localhost", 6379));
		assertThat(HostAndPort.parse(" 10.0.0.5:1 ")).isEqualTo(new HostAndPort("10.0.0.5", 1));
		assertThat(HostAndPort.parse("[::1]:65535")).isEqualTo(new HostAndPort("::1", 65535));
		assertThat(new HostAndPort("::1", 6379)).hasToString("[::1]:6379");
	}

	@Test
	void refusesWhatIsNotHostColonPortNamingTheFault() {
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("localhost"))
			.withMessageContaining("not a host:port address");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse(":6379"))
			.withMessageContaining("not a host:port address");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("localhost:"))
			.withMessageContaining("not a host:port address");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("localhost:redis"))
			.withMessageContaining("not a number");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("localhost:0"))
			.withMessageContaining("ports go from 1 to 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("localhost:65536"))
			.withMessageContaining("ports go from 1 to 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> HostAndPort.parse("::1:6379"))
			.withMessageContaining("write [::1]:6379");
	}

}
