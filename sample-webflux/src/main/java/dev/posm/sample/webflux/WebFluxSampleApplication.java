package dev.posm.sample.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The reactive sample: a WebFlux service on Reactor Netty whose every connection, served
 * or made through the {@code WebClient}, takes its buffers from posm without a line of
 * code for it. The API is on the server port, the {@code posm} Actuator endpoint on the
 * management port.
 *
 * @author posm
 */
@SpringBootApplication(proxyBeanMethods = false)
@ConfigurationPropertiesScan
public class WebFluxSampleApplication {

	/**
	 * Run the sample.
	 * @param args the command line arguments, such as {@code --server.port=0}
	 */
	public static void main(String[] args) {
		SpringApplication.run(WebFluxSampleApplication.class, args);
	}

}
