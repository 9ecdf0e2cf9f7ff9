package dev.posm.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.posm.Agent;
import dev.posm.Agents;
import dev.posm.AllocatorStats;
import dev.posm.Allocators;
import dev.posm.PosmAllocator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Netty server and client over loopback (NIO transport), every connection on
 * both sides with an agent of its own as its {@code ChannelOption.ALLOCATOR}: framed
 * traffic of all sizes, half of it answered by workers on other threads, then nothing
 * held, every take released, no agent open, no leak.
 *
 * @author posm
 */
class NettyLoopbackTests {

	private static final int CONNECTIONS = 6;

	private static final int FRAMES = 150;

	/** Largest frame: enough to make the decoder's cumulation grow through many blocks. */
	private static final int MAX_FRAME = 100 * 1024;

	private final PosmAllocator memory = Allocators.recycling("netty-io").build();

	private final Agents agents = new Agents(this.memory);

	private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

	private final ExecutorService workers = Executors.newFixedThreadPool(3);

	@AfterEach
	void shutDown() throws InterruptedException {
		this.workers.shutdownNow();
		this.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		this.boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		this.memory.close();
	}

	@Test
	void framedTrafficLeavesNothingHeldAndEveryCountBalanced() throws Exception {
		Channel server = new ServerBootstrap().group(this.boss, this.loops)
			.channel(NioServerSocketChannel.class)
			.childHandler(withAgent("echo-server", (channel, allocator) -> channel.pipeline()
				.addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME + 4, 0, 4, 0, 4), new LengthFieldPrepender(4),
						new Answering(allocator, this.workers))))
			.bind("127.0.0.1", 0)
			.sync()
			.channel();
		List<CompletableFuture<Void>> conversations = new ArrayList<>();
		List<Channel> clients = new ArrayList<>();
		for (int i = 0; i < CONNECTIONS; i++) {
			Asking asking = new Asking(i);
			conversations.add(asking.done);
			clients.add(new Bootstrap().group(this.loops)
				.channel(NioSocketChannel.class)
				.handler(withAgent("echo-client", (channel, allocator) -> channel.pipeline()
					.addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME + 4, 0, 4, 0, 4), new LengthFieldPrepender(4),
							asking)))
				.connect(server.localAddress())
				.sync()
				.channel());
		}
		CompletableFuture.allOf(conversations.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(this.agents.openCount("echo-server")).isEqualTo(CONNECTIONS);
		for (Channel client : clients) {
			client.close().sync();
		}
		// the server's side closes when it reads the end of its stream
		await().atMost(Duration.ofSeconds(10)).until(() -> this.agents.openCount("echo-server") == 0);
		server.close().sync();
		this.workers.shutdown();
		assertThat(this.workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.agents.agent("echo-server").stats().bytesInUse() == 0
					&& this.memory.stats().bytesInUse() == 0);
		for (String name : List.of("echo-server", "echo-client")) {
			assertThat(this.agents.openCount(name)).as(name).isZero();
			assertThat(this.agents.leaks(name)).as(name).isZero();
			assertThat(this.agents.agent(name).stats().allocations()).as(name).isGreaterThan(CONNECTIONS * FRAMES);
			assertThat(this.agents.agent(name).stats().bytesInUse()).as(name).isZero();
			assertThat(this.agents.agent(name).stats().peakBytesInUse()).as(name).isGreaterThan(MAX_FRAME / 2);
		}
		AllocatorStats stats = this.memory.stats();
		assertThat(stats.bytesInUse()).isZero();
		assertThat(stats.reclaimed()).isZero();
		assertThat(stats.releases()).isEqualTo(stats.allocations());
	}

	/**
	 * Give each channel an agent of its own, as its allocator, closed with the channel.
	 */
	private ChannelInitializer<SocketChannel> withAgent(String name, Pipeline pipeline) {
		return new ChannelInitializer<>() {

			@Override
			protected void initChannel(SocketChannel channel) {
				Agent agent = NettyLoopbackTests.this.agents.open(name);
				PosmByteBufAllocator allocator = new PosmByteBufAllocator(agent);
				channel.config().setOption(ChannelOption.ALLOCATOR, allocator);
				channel.closeFuture().addListener((closed) -> agent.close());
				pipeline.build(channel, allocator);
			}

		};
	}

	@FunctionalInterface
	private interface Pipeline {

		void build(SocketChannel channel, PosmByteBufAllocator allocator);

	}

	/**
	 * The server: answers each frame with its bytes inverted, from a worker for odd
	 * sequence numbers (which releases the frame there), else on the event loop by writing
	 * the frame itself back, inverted in place.
	 */
	private static final class Answering extends ChannelInboundHandlerAdapter {

		private final PosmByteBufAllocator allocator;

		private final ExecutorService workers;

		Answering(PosmByteBufAllocator allocator, ExecutorService workers) {
			this.allocator = allocator;
			this.workers = workers;
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			ByteBuf frame = (ByteBuf) message;
			int sequence = frame.getInt(frame.readerIndex());
			this.allocator.serving("FRAME " + sequence + " from " + context.channel().remoteAddress());
			if (sequence % 2 == 1) {
				this.workers.execute(() -> {
					ByteBuf answer = context.alloc().buffer(frame.readableBytes());
					try {
						invert(frame, answer);
					}
					finally {
						frame.release();
					}
					context.writeAndFlush(answer);
				});
			}
			else {
				for (int i = frame.readerIndex() + 4; i < frame.writerIndex(); i++) {
					frame.setByte(i, ~frame.getByte(i));
				}
				context.writeAndFlush(frame);
			}
		}

		private static void invert(ByteBuf frame, ByteBuf answer) {
			answer.writeInt(frame.getInt(frame.readerIndex()));
			for (int i = frame.readerIndex() + 4; i < frame.writerIndex(); i++) {
				answer.writeByte(~frame.getByte(i));
			}
		}

	}

	/**
	 * A client: sends its frames (sequence number, then bytes derived from it), checks
	 * every answer, and completes when each frame was answered once.
	 */
	private static final class Asking extends ChannelInboundHandlerAdapter {

		final CompletableFuture<Void> done = new CompletableFuture<>();

		private final int connection;

		private final BitSet answered = new BitSet(FRAMES);

		Asking(int connection) {
			this.connection = connection;
		}

		@Override
		public void channelActive(ChannelHandlerContext context) {
			SplittableRandom random = new SplittableRandom(this.connection);
			for (int sequence = 0; sequence < FRAMES; sequence++) {
				int length = (random.nextInt(4) == 0) ? random.nextInt(MAX_FRAME) : random.nextInt(2000);
				ByteBuf frame = context.alloc().buffer(4 + length);
				frame.writeInt(sequence);
				for (int i = 0; i < length; i++) {
					frame.writeByte(expected(sequence, i));
				}
				context.write(frame);
			}
			context.flush();
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			ByteBuf answer = (ByteBuf) message;
			try {
				int sequence = answer.readInt();
				for (int i = 0; answer.isReadable(); i++) {
					byte inverted = (byte) ~answer.readByte();
					if (inverted != expected(sequence, i)) {
						throw new IllegalStateException("Frame " + sequence + " byte " + i + " came back wrong");
					}
				}
				if (this.answered.get(sequence)) {
					throw new IllegalStateException("Frame " + sequence + " was answered twice");
				}
				this.answered.set(sequence);
				if (this.answered.cardinality() == FRAMES) {
					this.done.complete(null);
				}
			}
			catch (RuntimeException ex) {
				this.done.completeExceptionally(ex);
			}
			finally {
				answer.release();
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
			this.done.completeExceptionally(cause);
		}

		private byte expected(int sequence, int index) {
			return (byte) (sequence * 31 + index * 7 + this.connection);
		}

	}

}
