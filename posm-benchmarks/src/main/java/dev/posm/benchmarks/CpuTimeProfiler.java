package dev.posm.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports the CPU time the benchmark's JVM spent per operation ({@code cpu.time.norm},
 * ns/op), next to JMH's wall-clock score. On a machine shared with other work a thread
 * that is descheduled still counts in the wall-clock time but not here, so this figure
 * stays comparable between benchmarks run at different moments of the same run. It
 * counts every thread of the JVM, so a collector's work is part of the price of the
 * allocations that caused it.
 * <p>
 * Use it with {@code -prof dev.posm.benchmarks.CpuTimeProfiler}.
 *
 * @author posm
 */
public class CpuTimeProfiler implements InternalProfiler {

	private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private long startCpuTime;

	@Override
	public String getDescription() {
		return "CPU time of the whole JVM per operation";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.startCpuTime = this.os.getProcessCpuTime();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
			IterationParams iterationParams, IterationResult result) {
		long cpuTime = this.os.getProcessCpuTime() - this.startCpuTime;
		// all operations, as the CPU time covers the whole iteration with its ramp-up
		long operations = result.getMetadata().getAllOps();
		double perOperation = (operations > 0) ? (double) cpuTime / operations : Double.NaN;
		return List.of(new ScalarResult("cpu.time.norm", perOperation, "ns/op", AggregationPolicy.AVG));
	}

}
