#!/usr/bin/env bash
# The end-to-end load bench of the sample relay (issue 6): redis-benchmark through the
# posm relay with each allocator type, through HAProxy in TCP mode (the reference relay)
# and straight to Redis, interleaved, repeated; medians, ratios, a CSV and a chart.
# Everything runs on 127.0.0.1 and everything started is stopped, by pid, on exit.
#
#   posm-benchmarks/relay-bench.sh [--smoke] [-n N] [-c C] [-P P] [-r REPEATS] [-w WARMUP]
#                                  [-o DIR] [--no-profile] [--build]
#
# See usage() below, and docs/relay-bench.md for a full run and how to read it.
set -euo pipefail
export LC_ALL=C

bench_name=relay-bench
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench-lib.sh
. "$root/posm-benchmarks/bench-lib.sh"

usage() {
	cat <<'EOF'
Usage: posm-benchmarks/relay-bench.sh [options]

  -n N          requests per test (SET, then GET) of each run          (default 200000)
  -c C          redis-benchmark connections                           (default 50)
  -P P          requests pipelined per connection                     (default 16)
  -r REPEATS    rounds; each round runs every configuration once      (default 5)
  -w WARMUP     requests per test sent to a fresh relay before it is measured
                (its JIT warms up; 0 for none)                         (default N)
  -o DIR        where the CSV files and the chart go                  (default docs/;
                --smoke: a temporary directory)
  --smoke       a quick check for CI: -n 2000 -r 1 -w 1000, no chart, no profile;
                fails unless every configuration completed and the CSV was written
  --no-profile  skip the profile pass (one more run per allocator type, under JFR,
                that splits the relay's allocation between posm, the sample, the JDK)
  --build       rebuild the sample jar even if one exists
  -h, --help    this help

Configurations, run in this order in every round: posm relay with allocator
unpooled (heap), unpooled (direct), pooled, recycling, slab; HAProxy (mode tcp);
Redis directly. Installs redis-server, redis-tools, haproxy, gnuplot-nox (Debian)
if absent. RELAY_JAVA_OPTS overrides the relay JVM's options
(default: -Xms512m -Xmx512m -XX:+UseG1GC). RELAY_BENCH_KEEP=1 keeps the work
directory (logs, raw redis-benchmark output).
EOF
}

# ---------------------------------------------------------------------------------------
# arguments

requests=200000
connections=50
pipeline=16
repeats=5
warmup=
out=
smoke=0
profile=1
build=0
given=" "

while (($#)); do
	case $1 in
	-n | -c | -P | -r | -w | -o)
		(($# >= 2)) || { echo "relay-bench: $1 needs a value" >&2; exit 2; }
		case $1 in
		-n) whole_number -n "$2" 100000000; requests=$REPLY ;;
		-c) whole_number -c "$2" 10000; connections=$REPLY ;;
		-P) whole_number -P "$2" 1000; pipeline=$REPLY ;;
		-r) whole_number -r "$2" 100; repeats=$REPLY ;;
		-w) whole_number -w "$2" 100000000 0; warmup=$REPLY ;;
		-o)
			[[ -n $2 ]] || { echo "relay-bench: -o wants a directory" >&2; exit 2; }
			out=$2
			;;
		esac
		given+="$1 "
		shift 2
		continue
		;;
	--smoke) smoke=1 ;;
	--no-profile) profile=0 ;;
	--build) build=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "relay-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

if ((smoke)); then
	[[ $given == *" -n "* ]] || requests=2000
	[[ $given == *" -r "* ]] || repeats=1
	[[ $given == *" -w "* ]] || warmup=1000
	profile=0
fi
[[ -n $warmup ]] || warmup=$requests

helpers=$root/posm-benchmarks/relay-bench

# ---------------------------------------------------------------------------------------
# everything started is stopped on exit, by pid

bench_start RELAY_BENCH_KEEP

# ---------------------------------------------------------------------------------------
# what it needs

install_missing() {
	local missing=()
	command -v redis-server >/dev/null || missing+=(redis-server)
	{ command -v redis-benchmark && command -v redis-cli; } >/dev/null || missing+=(redis-tools)
	command -v haproxy >/dev/null || missing+=(haproxy)
	((smoke)) || command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
	command -v curl >/dev/null || missing+=(curl)
	apt_install ${missing[@]+"${missing[@]}"}
}
install_missing

find_java
jcmd_bin=$(dirname "$(readlink -f "$(command -v "$java_bin")")")/jcmd
if ((profile)) && [[ ! -x $jcmd_bin ]]; then
	say "no jcmd beside $java_bin (a JRE?): skipping the profile pass"
	profile=0
fi

jar=$(module_jar sample-app "$build")

output_dir
java_opts=$(server_java_opts "${RELAY_JAVA_OPTS-}")

# ---------------------------------------------------------------------------------------
# ports and readiness

pong() { # port
	[[ $(timeout 5 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

await_ready() { # pid port what log [management-port]
	local deadline=$((SECONDS + 180))
	while ((SECONDS < deadline)); do
		if ! kill -0 "$1" 2>/dev/null; then
			tail -n 30 "$4" >&2 || true
			return 1
		fi
		if pong "$2" && { [[ -z ${5-} ]] || curl -fs --max-time 5 "http://127.0.0.1:$5/actuator/health" >/dev/null; }; then
			return 0
		fi
		sleep 0.2
	done
	tail -n 30 "$4" >&2 || true
	die "$3 did not answer on port $2 in 180 s (log: $4)"
}

# ---------------------------------------------------------------------------------------
# Redis, the upstream of every relay

mkdir -p "$work/redis"
free_port
redis_port=$REPLY
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
	--dir "$work/redis" >"$work/redis/redis.log" 2>&1 &
started+=($!)
redis_pid=$!
await_ready "$redis_pid" "$redis_port" "redis-server" "$work/redis/redis.log" || die "redis-server exited"

# redis-benchmark 7 writes latency percentiles in its CSV; older ones do not
header=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -n 10 -c 1 -t ping --csv 2>/dev/null | head -n 1)
[[ $header == *p50_latency_ms*p99_latency_ms* ]] ||
	die "redis-benchmark writes no latency percentiles in its CSV (Redis 7 or later needed): '$header'"

# ---------------------------------------------------------------------------------------
# one run

configs=(unpooled-heap unpooled-direct pooled recycling slab haproxy redis)
raw=$work/runs.csv
echo "round,config,requests,set_rps,get_rps,rps,set_p50_ms,set_p99_ms,get_p50_ms,get_p99_ms,gc_count,gc_pause_ms,relay_alloc_bytes_per_request,posm_allocations,posm_fresh,posm_fresh_per_1k_requests,load1" >"$raw"

allocator_of() { # config -> "type direct"
	case $1 in
	unpooled-heap) echo "unpooled false" ;;
	unpooled-direct) echo "unpooled true" ;;
	pooled | recycling | slab) echo "$1 true" ;;
	esac
}

bench() { # port requests output.csv
	redis-benchmark -h 127.0.0.1 -p "$1" -n "$2" -c "$connections" -P "$pipeline" -t set,get --csv >"$3" 2>"$3.err" ||
		{ cat "$3.err" >&2; return 1; }
}

warm() { # port
	((warmup > 0)) || return 0
	redis-benchmark -h 127.0.0.1 -p "$1" -n "$warmup" -c "$connections" -P "$pipeline" -t set,get -q \
		>/dev/null 2>&1
}

# "set_rps get_rps set_p50 set_p99 get_p50 get_p99" from redis-benchmark's CSV
parse_bench() { # output.csv
	awk -F, '
		{ gsub(/"/, "") }
		$1 == "SET" { sr = $2; s50 = $5; s99 = $7 }
		$1 == "GET" { gr = $2; g50 = $5; g99 = $7 }
		END {
			if (sr == "" || gr == "") exit 1
			print sr, gr, s50, s99, g50, g99
		}' "$1"
}

# "gc_count gc_seconds relay_alloc_bytes posm_allocations posm_fresh" of a running relay
snapshot() { # management-port
	local gc alloc allocator
	gc=$(get_json "$1" metrics/jvm.gc.pause)
	alloc=$(get_json "$1" metrics/sample.relay.allocated.bytes)
	allocator=$(get_json "$1" posm/allocators/bench)
	[[ -n $allocator ]] || die "the relay answers no /actuator/posm/allocators/bench"
	# no GC yet: the timer does not exist yet
	echo "$(measurement "$gc" COUNT | grep . || echo 0) $(measurement "$gc" TOTAL_TIME | grep . || echo 0)" \
		"$(measurement "$alloc" COUNT | grep . || echo NA)" \
		"$(field "$allocator" allocations) $(field "$allocator" fresh)"
}

record() { # round config bench.csv [before after]
	local numbers load
	numbers=$(parse_bench "$3") || { cat "$3" >&2; die "$2: no SET and GET figures in redis-benchmark's output"; }
	load=$(cut -d' ' -f1 /proc/loadavg)
	awk -v round="$1" -v config="$2" -v n="$requests" -v load="$load" \
		-v numbers="$numbers" -v before="${4-}" -v after="${5-}" 'BEGIN {
		split(numbers, b, " ")
		# SET and GET together: all the requests over the time they took
		rps = 2 / (1 / b[1] + 1 / b[2])
		line = sprintf("%s,%s,%d,%.2f,%.2f,%.2f,%s,%s,%s,%s", round, config, 2 * n, b[1], b[2], rps,
			b[3], b[4], b[5], b[6])
		if (before == "") {
			print line ",,,,,,," load
			exit
		}
		split(before, x, " "); split(after, y, " ")
		alloc = (x[3] == "NA" || y[3] == "NA") ? "" : sprintf("%.1f", (y[3] - x[3]) / (2 * n))
		fresh = y[5] - x[5]
		printf "%s,%.0f,%.1f,%s,%.0f,%.0f,%.2f,%s\n", line, y[1] - x[1], (y[2] - x[2]) * 1000, alloc,
			y[4] - x[4], fresh, fresh * 1000 / (2 * n), load
	}' >>"$raw"
}

start_relay() { # config tag [extra JVM options] -> sets relay_pid relay_port mgmt_port relay_log
	local type direct server_port attempt
	read -r type direct <<<"$(allocator_of "$1")"
	for attempt in 1 2 3; do
		free_port; relay_port=$REPLY
		free_port; server_port=$REPLY
		free_port; mgmt_port=$REPLY
		relay_log=$work/$2.log
		# shellcheck disable=SC2086 # the options are words
		"$java_bin" $java_opts ${3-} -jar "$jar" \
			--sample.relay.port="$relay_port" --sample.relay.upstream="127.0.0.1:$redis_port" \
			--server.port="$server_port" --server.address=127.0.0.1 \
			--management.server.port="$mgmt_port" --management.server.address=127.0.0.1 \
			--management.endpoints.web.exposure.include=health,posm,metrics \
			--posm.allocators.bench.type="$type" --posm.allocators.bench.direct="$direct" \
			--posm.agents.relay.allocator=bench \
			--spring.main.banner-mode=off --sample.checksum.root="$work" \
			>"$relay_log" 2>&1 &
		relay_pid=$!
		started+=("$relay_pid")
		if await_ready "$relay_pid" "$relay_port" "the relay ($1)" "$relay_log" "$mgmt_port"; then
			return 0
		fi
		# exited at start-up: most likely a port taken between our probe and its bind
		forget_pid "$relay_pid"
		wait "$relay_pid" 2>/dev/null || true
		say "the relay ($1) exited at start-up (attempt $attempt of 3; log $relay_log)"
	done
	die "the relay ($1) would not start"
}

stop_relay() {
	stop_pid "$relay_pid" "the relay"
	forget_pid "$relay_pid"
}

run_relay() { # round config
	local tag="$2-$1" before after
	start_relay "$2" "$tag"
	warm "$relay_port" || die "$2: the warm-up failed (log $relay_log)"
	before=$(snapshot "$mgmt_port")
	bench "$relay_port" "$requests" "$work/$tag.csv" || die "$2: redis-benchmark failed (log $relay_log)"
	after=$(snapshot "$mgmt_port")
	stop_relay
	record "$1" "$2" "$work/$tag.csv" "$before" "$after"
}

run_haproxy() { # round
	local port tag="haproxy-$1" pid
	free_port; port=$REPLY
	cat >"$work/$tag.cfg" <<EOF
global
    maxconn $((connections + 100))

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s

listen redis
    bind 127.0.0.1:$port
    server redis 127.0.0.1:$redis_port
EOF
	haproxy -db -f "$work/$tag.cfg" >"$work/$tag.log" 2>&1 &
	pid=$!
	started+=("$pid")
	await_ready "$pid" "$port" "HAProxy" "$work/$tag.log" || die "HAProxy exited (log $work/$tag.log)"
	warm "$port" || die "haproxy: the warm-up failed"
	bench "$port" "$requests" "$work/$tag.csv" || die "haproxy: redis-benchmark failed"
	stop_pid "$pid" "HAProxy"
	forget_pid "$pid"
	record "$1" haproxy "$work/$tag.csv"
}

run_redis() { # round
	local tag="redis-$1"
	warm "$redis_port" || die "redis: the warm-up failed"
	bench "$redis_port" "$requests" "$work/$tag.csv" || die "redis: redis-benchmark failed"
	record "$1" redis "$work/$tag.csv"
}

# ---------------------------------------------------------------------------------------
# the rounds: every configuration once per round, so that a noisy minute hits all alike

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "$repeats round(s) of ${#configs[@]} configurations: -n $requests -c $connections -P $pipeline," \
	"warm-up $warmup; relay JVM: $java_opts; load average $load_before"
start_time=$SECONDS
for ((round = 1; round <= repeats; round++)); do
	for config in "${configs[@]}"; do
		case $config in
		haproxy) run_haproxy "$round" ;;
		redis) run_redis "$round" ;;
		*) run_relay "$round" "$config" ;;
		esac
		tail -n 1 "$raw" | awk -F, '{ printf "relay-bench: round %s %-16s SET %10.0f/s GET %10.0f/s  p99 %s/%s ms\n", $1, $2, $4, $5, $8, $10 }' >&2
	done
done

# ---------------------------------------------------------------------------------------
# the profile pass: where the relay's allocations come from (JFR allocation samples)

profile_csv=$work/profile.csv
sites_csv=$work/sites.csv
if ((profile)); then
	say "profile pass: one more run per allocator type with JFR allocation sampling (not in the medians)"
	recordings=()
	for config in "${configs[@]}"; do
		[[ $config == haproxy || $config == redis ]] && continue
		tag="$config-profile"
		# small, fixed TLABs: JFR samples an allocation when a thread takes a new TLAB, and
		# the relay's threads allocate too little to fill large ones often
		start_relay "$config" "$tag" "-XX:TLABSize=2k -XX:MinTLABSize=2k -XX:-ResizeTLAB"
		warm "$relay_port" || die "$config: the warm-up failed (log $relay_log)"
		"$jcmd_bin" "$relay_pid" JFR.start name=relay-bench settings="$helpers/allocation.jfc" \
			filename="$work/$tag.jfr" >"$work/$tag.jcmd.log" 2>&1 || die "JFR would not start (see $work/$tag.jcmd.log)"
		before=$(snapshot "$mgmt_port")
		bench "$relay_port" "$requests" "$work/$tag.csv" || die "$config: redis-benchmark failed (log $relay_log)"
		after=$(snapshot "$mgmt_port")
		"$jcmd_bin" "$relay_pid" JFR.stop name=relay-bench >>"$work/$tag.jcmd.log" 2>&1 ||
			die "JFR would not stop (see $work/$tag.jcmd.log)"
		stop_relay
		measured=$(awk -v x="$before" -v y="$after" 'BEGIN { split(x, a, " "); split(y, b, " "); printf "%.0f", b[3] - a[3] }')
		recordings+=("$config=$work/$tag.jfr,$((2 * requests)),$measured")
	done
	"$java_bin" "$helpers/RelayAllocationProfile.java" "$profile_csv" "$sites_csv" "${recordings[@]}" >&2 ||
		die "the JFR recordings could not be read"
fi
elapsed=$((SECONDS - start_time))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------
# medians and ratios

summary=$work/summary.csv
awk -F, -v order="${configs[*]}" "$awk_median"'
	NR == 1 { for (i = 1; i <= NF; i++) column[i] = $i; next }
	{
		runs[$2]++
		for (i = 3; i <= NF; i++) {
			if ($i == "") continue
			key = $2 SUBSEP column[i]
			values[key, ++count[key]] = $i
		}
	}
	END {
		print "config,runs,rps,set_rps,get_rps,set_p50_ms,set_p99_ms,get_p50_ms,get_p99_ms,gc_count,gc_pause_ms," \
			"relay_alloc_bytes_per_request,posm_fresh_per_1k_requests,vs_haproxy,vs_redis,vs_unpooled_direct"
		haproxy = median("haproxy" SUBSEP "rps")
		redis = median("redis" SUBSEP "rps")
		unpooled = median("unpooled-direct" SUBSEP "rps")
		n = split(order, configs, " ")
		for (c = 1; c <= n; c++) {
			k = configs[c]
			if (!(k in runs)) continue
			rps = median(k SUBSEP "rps")
			relay = (k != "haproxy" && k != "redis")
			printf "%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", k, runs[k], fmt(rps, "%.0f"),
				fmt(median(k SUBSEP "set_rps"), "%.0f"), fmt(median(k SUBSEP "get_rps"), "%.0f"),
				fmt(median(k SUBSEP "set_p50_ms"), "%.3f"), fmt(median(k SUBSEP "set_p99_ms"), "%.3f"),
				fmt(median(k SUBSEP "get_p50_ms"), "%.3f"), fmt(median(k SUBSEP "get_p99_ms"), "%.3f"),
				fmt(median(k SUBSEP "gc_count"), "%.1f"), fmt(median(k SUBSEP "gc_pause_ms"), "%.1f"),
				fmt(median(k SUBSEP "relay_alloc_bytes_per_request"), "%.1f"),
				fmt(median(k SUBSEP "posm_fresh_per_1k_requests"), "%.2f"),
				(k == "haproxy") ? "" : ratio(rps, haproxy), (k == "redis") ? "" : ratio(rps, redis),
				relay ? ratio(rps, unpooled) : ""
		}
	}' "$raw" >"$summary"

cp "$summary" "$out/relay-bench.csv"
cp "$raw" "$out/relay-bench-runs.csv"
if ((profile)); then
	cp "$profile_csv" "$out/relay-bench-profile.csv"
	cp "$sites_csv" "$out/relay-bench-sites.csv"
fi

{
	echo "command: posm-benchmarks/relay-bench.sh $( ((smoke)) && echo '--smoke ')-n $requests -c $connections -P $pipeline -r $repeats -w $warmup"
	machine_lines
	echo "relay jvm options: $java_opts"
	echo "redis: $(redis-server --version)"
	echo "redis-benchmark: $(redis-benchmark --version 2>/dev/null || echo unknown)"
	echo "haproxy: $(haproxy -v 2>/dev/null | head -n 1)"
	echo "load average (1, 5, 15 min) before: $load_before; after: $load_after"
	echo "wall time: ${elapsed} s"
} >"$out/relay-bench-machine.txt"

# ---------------------------------------------------------------------------------------
# the chart

chart() {
	local data=$work/chart.dat script=$work/chart.gp
	# label lines, throughput, allocation split; the split comes from the profile pass,
	# scaled to the measured median
	awk -F, -v profile="$profile_csv" '
		BEGIN {
			while ((getline line < profile) > 0) {
				split(line, p, ",")
				if (p[1] == "config") continue
				share[p[1], "posm"] = p[9]; share[p[1], "sample"] = p[10]
				share[p[1], "nio"] = p[11]; share[p[1], "other"] = p[12]
				profiled[p[1]] = 1
			}
		}
		NR == 1 { next }
		{
			first = $1; second = ""
			if ($1 == "unpooled-heap") { first = "unpooled"; second = "heap" }
			else if ($1 == "unpooled-direct") { first = "unpooled"; second = "direct" }
			else if ($1 == "haproxy") { first = "HAProxy"; second = "(mode tcp)" }
			else if ($1 == "redis") { first = "Redis"; second = "(direct)" }
			else second = "direct"
			relay = ($1 != "haproxy" && $1 != "redis")
			alloc = $12
			# no JVM (or no figure): zeros, which the plot leaves out by the last column
			if (!relay || alloc == "") { posm = sample = nio = other = alloc = 0; relay = 0 }
			else if ($1 in profiled) {
				posm = alloc * share[$1, "posm"]; sample = alloc * share[$1, "sample"]
				nio = alloc * share[$1, "nio"]; other = alloc * share[$1, "other"]
			}
			else { posm = sample = nio = 0; other = alloc }
			fresh = relay ? $13 : 0
			printf "\"%s\" \"%s\" %s %s %s %s %s %s %s %s %s\n", first, second, $4 / 1000, $5 / 1000,
				alloc, posm, sample, nio, other, fresh, relay
		}' "$summary" >"$data"
	local haproxy_krps split=0
	[[ -s $profile_csv ]] && split=1
	panel2_plot() {
		# gnuplot text, kept out of the here-documents' expansion; bars above the top are
		# clipped, their label says so
		local labels='"" using ($0):($11 > 0 ? ($5 > ymax ? ymax * 0.8 : $5) : 0):($11 > 0 ? sprintf("%.0f B%s\nfresh POSMs %.1f/1k req", $5, ($5 > ymax ? " (off scale)" : ""), $10) : "no JVM"):xtic(strcol(1)."\n".strcol(2)) with labels boxed offset 0,1.4 font ",9" notitle'
		if ((split)); then
			cat <<PLOT
plot "$data" using (\$0):(\$11 > 0 ? \$6+\$7+\$8+\$9 : 1/0) with boxes lc rgb "#a9cce3" title "other JDK code", \\
     "" using (\$0):(\$11 > 0 ? \$6+\$7+\$8 : 1/0) with boxes lc rgb "#f5b041" title "JDK socket channels (sun.nio.ch)", \\
     "" using (\$0):(\$11 > 0 ? \$6+\$7 : 1/0) with boxes lc rgb "#58d68d" title "sample relay (dev.posm.sample)", \\
     "" using (\$0):(\$11 > 0 ? \$6 : 1/0) with boxes lc rgb "#8e44ad" title "posm (dev.posm)", \\
     $labels
PLOT
		else
			cat <<PLOT
plot "$data" using (\$0):(\$11 > 0 ? \$5 : 1/0) with boxes lc rgb "#a9cce3" title "relay I/O threads", \\
     $labels
PLOT
		fi
	}
	haproxy_krps=$(awk -F, '$1 == "haproxy" { print $3 / 1000 }' "$summary")
	local load
	load=$(awk -F, 'NR > 1 { if (min == "" || $NF < min) min = $NF; if ($NF > max) max = $NF }
		END { printf "%.1f to %.1f", min, max }' "$raw")
	# one bar far above the rest (unpooled heap: a fresh heap buffer per chunk) would
	# flatten the others: the axis then stops above the second highest
	local ymax
	ymax=$(awk -F, 'NR > 1 && $12 != "" { print $12 }' "$summary" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			top = (NR > 0) ? v[NR] : 1; second = (NR > 1) ? v[NR - 1] : top
			print (top > 4 * second && second > 0) ? second * 2.5 : top * 1.3 + 1
		}')
	cat >"$script" <<EOF
set terminal pngcairo size 1280,1060 font "DejaVu Sans,11" enhanced
set output "$out/relay-bench.png"
set datafile missing "NaN"
set multiplot layout 2,1 title "posm sample relay vs HAProxy vs Redis direct — redis-benchmark -n $requests -c $connections -P $pipeline -t set,get, median of $repeats round(s)\n$(nproc) cores, load average $load during the runs" font ",13"

set style fill solid 0.85 border -1
set boxwidth 0.36
set grid ytics lc rgb "#dddddd"
set key top left
set xrange [-0.6:6.6]
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set title "Throughput (thousand requests/s, higher is better)"
set ylabel "k requests/s"
$( [[ -n $haproxy_krps ]] && echo "set arrow 1 from -0.6,$haproxy_krps*0.8 to 6.6,$haproxy_krps*0.8 nohead dt 2 lw 1.5 lc rgb '#c0392b' front
set label 1 '0.8 × HAProxy (target)' at -0.55,$haproxy_krps*0.8 left offset 0,0.7 tc rgb '#c0392b' front" )
plot "$data" using (\$0-0.19):3:xtic(strcol(1)."\\n".strcol(2)) with boxes lc rgb "#2e86c1" title "SET", \
     "" using (\$0+0.19):4 with boxes lc rgb "#85c1e9" title "GET", \
     "" using (\$0-0.19):3:(sprintf("%.0f", \$3)) with labels offset 0,0.7 font ",9" notitle, \
     "" using (\$0+0.19):4:(sprintf("%.0f", \$4)) with labels offset 0,0.7 font ",9" notitle

unset arrow 1
unset label 1
set title "Heap allocated by the relay's I/O threads per request (bytes, lower is better; HAProxy and Redis: no JVM)"
set ylabel "bytes / request"
ymax = $ymax
set yrange [0:ymax]
set offsets 0, 0, 0, 0
set bmargin 3.5
set style textbox opaque noborder
set boxwidth 0.6
set key top right
$(panel2_plot)
unset multiplot
EOF
	gnuplot "$script" 2>"$work/chart.err" || { cat "$work/chart.err" >&2; die "gnuplot failed"; }
}

if ((!smoke)); then
	chart
fi

# ---------------------------------------------------------------------------------------
# the result

column -s, -t <"$summary" >&2 2>/dev/null || cat "$summary" >&2
missing=$(awk -F, -v order="${configs[*]}" '
	NR > 1 && $3 + 0 > 0 { done[$1] = 1 }
	END { n = split(order, c, " "); for (i = 1; i <= n; i++) if (!(c[i] in done)) printf "%s ", c[i] }' "$summary")
[[ -s $out/relay-bench.csv ]] || die "no CSV written to $out"
[[ -z $missing ]] || die "no throughput for: $missing"
if [[ $out == "$work"/* ]]; then
	say "every configuration completed in ${elapsed} s; the CSV was written (to a temporary directory: -o DIR keeps it)"
else
	say "every configuration completed in ${elapsed} s; CSV: $out/relay-bench.csv$( ((smoke)) || echo ", chart: $out/relay-bench.png")"
fi
