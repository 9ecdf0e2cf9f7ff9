package dev.posm.autoconfigure.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.posm.PosmBudgetExceededException;

/**
 * Closes a connection whose agent was refused memory by a budget
 * ({@code max-bytes-in-use} of the connection, {@code max-total-bytes-in-use} of its
 * agent name) while Netty read from it. Netty reports a failed read to the pipeline and
 * goes on reading: without this, the connection would be read again at once, refused
 * again, for as long as its memory stays held. What the connection's handlers hold is
 * theirs until they release it; the request's body fails with the refusal, so that they
 * can.
 *
 * @author posm
 */
@ChannelHandler.Sharable
final class BudgetGuard extends ChannelInboundHandlerAdapter {

	static final String NAME = "posm.budgetGuard";

	static final BudgetGuard INSTANCE = new BudgetGuard();

	private static final Log logger = LogFactory.getLog(BudgetGuard.class);

	private BudgetGuard() {
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		PosmBudgetExceededException refusal = refusal(cause);
		// the request's handlers hear of it first, then the connection goes
		ctx.fireExceptionCaught(cause);
		if (refusal != null) {
			close(ctx.channel(), refusal);
		}
	}

	/**
	 * Return the refusal by a budget that caused a failure, if one did.
	 * @param failure the failure
	 * @return the refusal, or {@code null}
	 */
	static @Nullable PosmBudgetExceededException refusal(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PosmBudgetExceededException refusal) {
				return refusal;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/**
	 * Close a connection that a budget refused memory.
	 * @param channel the connection
	 * @param refusal the refusal
	 */
	static void close(Channel channel, PosmBudgetExceededException refusal) {
		if (!channel.isOpen()) {
			return;
		}
		if (logger.isWarnEnabled()) {
			ConnectionAgent agent = ConnectionAgent.of(channel);
			String serving = (agent != null) ? agent.serving() : "connection " + channel.remoteAddress();
			logger.warn("Closing " + serving + ": " + refusal.getMessage());
		}
		channel.close();
	}

}
