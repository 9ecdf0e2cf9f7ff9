package dev.posm;

/**
 * Thrown when a take would exceed an agent's budget: {@code max-bytes-in-use} (one agent)
 * or {@code max-total-bytes-in-use} (every agent of the name together). The take changed
 * nothing but the agent name's {@code refused} count; what is held stays held.
 *
 * @author posm
 */
public class PosmBudgetExceededException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String agent;

	private final String budget;

	private final long limit;

	private final long held;

	private final long asked;

	PosmBudgetExceededException(String agent, String budget, long limit, long held, long asked, int size) {
		super(message(agent, budget, limit, held, asked, size));
		this.agent = agent;
		this.budget = budget;
		this.limit = limit;
		this.held = held;
		this.asked = asked;
	}

	private static String message(String agent, String budget, long limit, long held, long asked, int size) {
		String who = budget.equals("max-bytes-in-use") ? "Agent '" + agent + "'" : "The agents named '" + agent + "'";
		return who + " would exceed " + budget + " (" + limit + " bytes): " + ((budget.equals("max-bytes-in-use"))
				? "it holds " : "they hold ") + held + " bytes and asked for " + size + " more (a block of " + asked
				+ " bytes). Nothing was taken; release memory, or raise posm.agents." + agent + "." + budget;
	}

	/**
	 * Return the name of the agent whose take was refused.
	 * @return the agent's name
	 */
	public String getAgent() {
		return this.agent;
	}

	/**
	 * Return the budget that refused the take.
	 * @return {@code max-bytes-in-use} or {@code max-total-bytes-in-use}
	 */
	public String getBudget() {
		return this.budget;
	}

	/**
	 * Return the budget's bound.
	 * @return the bound in bytes
	 */
	public long getLimit() {
		return this.limit;
	}

	/**
	 * Return the bytes held when the take was refused: by the agent, or by every agent of
	 * the name.
	 * @return the bytes held
	 */
	public long getHeld() {
		return this.held;
	}

	/**
	 * Return the capacity of the block the take asked for.
	 * @return the bytes asked for
	 */
	public long getAsked() {
		return this.asked;
	}

}
