package dev.posm.aottests;

import org.springframework.stereotype.Service;

import dev.posm.Agent;
import dev.posm.Posms;
import dev.posm.annotation.AsyncAgent;

/**
 * An agent on a method of a class with an interface.
 *
 * @author posm
 */
@Service
class AgentGreeter implements Greeter {

	@Override
	@AsyncAgent("greeter")
	public String greet(String name) {
		return "hello " + name + " from " + Posms.currentAgent().map(Agent::name).orElse("none");
	}

}
