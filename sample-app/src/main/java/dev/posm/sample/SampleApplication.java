package dev.posm.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: a TCP relay on {@code sample.relay.port} (6380) and the
 * checksum API on the server port, with the {@code posm} Actuator endpoint on the
 * management port.
 *
 * @author posm
 */
@SpringBootApplication(proxyBeanMethods = false)
public class SampleApplication {

	/**
	 * Run the sample.
	 * @param args the command line arguments, such as
	 * {@code --sample.relay.upstream=localhost:6379}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
