#!/usr/bin/env bash
# The WebFlux load bench (issue 11): wrk against the reactive sample (sample-webflux) with
# posm's allocator on every Reactor Netty connection and with Netty's own (posm off),
# a small JSON answer and a 64 KiB one, interleaved rounds, a fresh JVM per run; medians,
# ratios, a CSV and a chart. Everything runs on 127.0.0.1 and everything started is
# stopped, by pid, on exit.
#
#   posm-benchmarks/webflux-bench.sh [--smoke] [-d SECONDS] [-w SECONDS] [-c C] [-t T]
#                                    [-r REPEATS] [-o DIR] [--build]
#
# See usage() below, and posm-benchmarks/README.md ("The WebFlux load bench") for how to
# read it.
set -euo pipefail
export LC_ALL=C

bench_name=webflux-bench
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench-lib.sh
. "$root/posm-benchmarks/bench-lib.sh"

usage() {
	cat <<'EOF'
Usage: posm-benchmarks/webflux-bench.sh [options]

  -d SECONDS    measured time of each run                             (default 20)
  -w SECONDS    warm-up of each fresh JVM, same endpoint and load,
                not measured (0 for none)                             (default 10)
  -c C          wrk connections, kept alive                           (default 50)
  -t T          wrk threads                                           (default 2)
  -r REPEATS    rounds; each round runs every configuration on every
                endpoint once                                         (default 5)
  -o DIR        where the CSV files and the chart go                  (default docs/;
                --smoke: a temporary directory)
  --smoke       a quick check for CI: -d 2 -w 1 -r 1; fails unless every run completed
                without an error answer, the CSV was written and gnuplot drew the chart
  --build       rebuild the sample jar even if one exists
  -h, --help    this help

Endpoints: json (GET /api/hello, 50 bytes of JSON), bytes-64k (GET /api/bytes?size=65536,
written into buffers of the connection's allocator). Configurations: posm (the sample as
it ships: every connection an agent http-server on the allocator http-io) and netty
(--posm.netty.server.enabled=false: Netty 4.2's default allocator). In a round, every
endpoint is run with both configurations, the order of the two alternating from round
to round. Installs wrk, curl and gnuplot-nox (Debian) if absent. WEBFLUX_JAVA_OPTS
overrides the server JVM's options (default: -Xms512m -Xmx512m -XX:+UseG1GC).
WEBFLUX_BENCH_KEEP=1 keeps the work directory (logs, raw wrk output).
EOF
}

# ---------------------------------------------------------------------------------------
# arguments

duration=20
warmup=10
connections=50
threads=2
repeats=5
out=
smoke=0
build=0
given=" "

while (($#)); do
	case $1 in
	-d | -w | -c | -t | -r | -o)
		(($# >= 2)) || { say "$1 needs a value"; exit 2; }
		case $1 in
		-d) whole_number -d "$2" 3600; duration=$REPLY ;;
		-w) whole_number -w "$2" 3600 0; warmup=$REPLY ;;
		-c) whole_number -c "$2" 10000; connections=$REPLY ;;
		-t) whole_number -t "$2" 64; threads=$REPLY ;;
		-r) whole_number -r "$2" 100; repeats=$REPLY ;;
		-o)
			[[ -n $2 ]] || { say "-o wants a directory"; exit 2; }
			out=$2
			;;
		esac
		given+="$1 "
		shift 2
		continue
		;;
	--smoke) smoke=1 ;;
	--build) build=1 ;;
	-h | --help) usage; exit 0 ;;
	*) say "unknown argument '$1' (see --help)"; exit 2 ;;
	esac
	shift
done

if ((smoke)); then
	[[ $given == *" -d "* ]] || duration=2
	[[ $given == *" -w "* ]] || warmup=1
	[[ $given == *" -r "* ]] || repeats=1
fi
((threads <= connections)) || { say "-t $threads is more threads than -c $connections connections"; exit 2; }

bench_start WEBFLUX_BENCH_KEEP

# ---------------------------------------------------------------------------------------
# what it needs

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
command -v curl >/dev/null || missing+=(curl)
apt_install ${missing[@]+"${missing[@]}"}

find_java
jar=$(module_jar sample-webflux "$build")

output_dir
java_opts=$(server_java_opts "${WEBFLUX_JAVA_OPTS-}")

# ---------------------------------------------------------------------------------------
# one run: a fresh server JVM, warmed up, measured, stopped

endpoints=(json bytes-64k)
configs=(posm netty)
raw=$work/runs.csv
echo "round,endpoint,config,requests,seconds,rps,p50_ms,p90_ms,p99_ms,errors,heap_bytes_per_request,gc_count,direct_peak_jdk_bytes,direct_peak_netty_bytes,direct_peak_posm_bytes,connection_peak_bytes,load1" >"$raw"

path_of() { # endpoint
	case $1 in
	json) echo /api/hello ;;
	bytes-64k) echo '/api/bytes?size=65536' ;;
	esac
}

# sets server_port and mgmt_port once the server has started both on free ports of its
# choosing (port 0): of the two ports it logs, the management one serves /actuator/health
await_server() { # pid log
	local deadline=$((SECONDS + 180)) ports p
	while ((SECONDS < deadline)); do
		kill -0 "$1" 2>/dev/null || { tail -n 30 "$2" >&2; return 1; }
		ports=$(sed -n 's/.*Netty started on port \([0-9]*\).*/\1/p' "$2")
		if (($(wc -w <<<"$ports") == 2)); then
			server_port= mgmt_port=
			for p in $ports; do
				if curl -fs --max-time 5 "http://127.0.0.1:$p/actuator/health" >/dev/null; then
					mgmt_port=$p
				else
					server_port=$p
				fi
			done
			[[ -n $server_port && -n $mgmt_port ]] || { tail -n 30 "$2" >&2; return 1; }
			curl -fs --max-time 5 "http://127.0.0.1:$server_port/api/hello" >/dev/null && return 0
		fi
		sleep 0.2
	done
	tail -n 30 "$2" >&2
	return 1
}

start_server() { # config tag -> sets server_pid server_port mgmt_port server_log
	local enabled=true
	[[ $1 == posm ]] || enabled=false
	server_log=$work/$2.log
	# shellcheck disable=SC2086 # the options are words
	"$java_bin" $java_opts -jar "$jar" \
		--server.port=0 --server.address=127.0.0.1 \
		--management.server.port=0 --management.server.address=127.0.0.1 \
		--management.endpoints.web.exposure.include=health,posm,metrics \
		--posm.netty.server.enabled="$enabled" \
		--spring.main.banner-mode=off --sample.webflux.files.root="$work" \
		>"$server_log" 2>&1 &
	server_pid=$!
	started+=("$server_pid")
	await_server "$server_pid" "$server_log" || die "the server ($1) did not start and answer in 180 s (log: $server_log)"
}

wrk_run() { # seconds url output
	wrk -t "$threads" -c "$connections" -d "${1}s" --latency "$2" >"$3" 2>&1 || { cat "$3" >&2; return 1; }
}

# "requests seconds rps p50_ms p90_ms p99_ms errors" from wrk's report
parse_wrk() { # output
	awk '
		function ms(v) {
			if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
			if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
			if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
			return ""
		}
		$1 == "50%" { p50 = ms($2) }
		$1 == "90%" { p90 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/ requests in / { requests = $1; seconds = $4; sub(/s,$/, "", seconds) }
		/^Requests\/sec:/ { rps = $2 }
		/Non-2xx or 3xx responses:/ { errors += $NF }
		/Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
		END {
			if (requests == "" || rps == "" || p99 == "") exit 1
			print requests, seconds, rps, p50, p90, p99, errors + 0
		}' "$1"
}

# "heap_allocated_bytes gc_count" of a running server
snapshot() { # management-port
	local heap gc
	heap=$(measurement "$(get_json "$1" metrics/sample.heap.allocated)" VALUE)
	[[ -n $heap ]] || die "the server answers no /actuator/metrics/sample.heap.allocated"
	gc=$(get_json "$1" metrics/jvm.gc.pause)
	# no collection yet: the timer does not exist yet
	echo "$heap $(measurement "$gc" COUNT | grep . || echo 0)"
}

# "jdk netty posm" peaks of direct memory since the JVM started (NA: no such count)
direct_peaks() { # management-port
	local counter value peaks=()
	for counter in jdk netty posm; do
		value=$(measurement "$(get_json "$1" "metrics/sample.direct.memory.peak?tag=counter:$counter")" VALUE)
		peaks+=("${value:-NA}")
	done
	echo "${peaks[*]}"
}

# the most one connection held: http-server's peakBytesInUse; checks the configuration too
connection_peak() { # config management-port
	local agent
	agent=$(get_json "$2" posm/agents/http-server)
	if [[ $1 == posm ]]; then
		[[ -n $agent && $(field "$agent" allocations) -gt 0 ]] ||
			die "posm: no buffer of the connections came from posm (/actuator/posm/agents/http-server: '$agent')"
		field "$agent" peakBytesInUse
	else
		[[ -z $agent ]] || die "netty: posm served the connections although posm.netty.server.enabled=false: '$agent'"
		echo NA
	fi
}

record() { # round endpoint config wrk-output before after peaks connection-peak
	local numbers load
	numbers=$(parse_wrk "$4") || { cat "$4" >&2; die "$3 $2: no figures in wrk's report"; }
	load=$(cut -d' ' -f1 /proc/loadavg)
	awk -v round="$1" -v endpoint="$2" -v config="$3" -v numbers="$numbers" -v before="$5" \
		-v after="$6" -v peaks="$7" -v connection="$8" -v load="$load" 'BEGIN {
		split(numbers, w, " "); split(before, x, " "); split(after, y, " "); split(peaks, d, " ")
		na(d)
		printf "%s,%s,%s,%d,%.2f,%.2f,%.3f,%.3f,%.3f,%d,%.1f,%d,%s,%s,%s,%s,%s\n", round, endpoint, config,
			w[1], w[2], w[3], w[4], w[5], w[6], w[7], (y[1] - x[1]) / w[1], y[2] - x[2],
			d[1], d[2], d[3], (connection == "NA") ? "" : connection, load
	}
	function na(a,   k) { for (k in a) if (a[k] == "NA") a[k] = "" }' >>"$raw"
}

run_one() { # round endpoint config
	local tag="$2-$3-$1" url before after peaks connection
	start_server "$3" "$tag"
	url="http://127.0.0.1:$server_port$(path_of "$2")"
	if ((warmup > 0)); then
		wrk_run "$warmup" "$url" "$work/$tag.warmup.txt" || die "$3 $2: the warm-up failed (log $server_log)"
	fi
	before=$(snapshot "$mgmt_port")
	wrk_run "$duration" "$url" "$work/$tag.txt" || die "$3 $2: wrk failed (log $server_log)"
	after=$(snapshot "$mgmt_port")
	peaks=$(direct_peaks "$mgmt_port")
	connection=$(connection_peak "$3" "$mgmt_port")
	stop_pid "$server_pid" "the server"
	forget_pid "$server_pid"
	record "$1" "$2" "$3" "$work/$tag.txt" "$before" "$after" "$peaks" "$connection"
}

# ---------------------------------------------------------------------------------------
# the rounds: every configuration on every endpoint once per round, so that a noisy
# minute hits all alike; the order of the configurations alternates

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "$repeats round(s) of ${#endpoints[@]} endpoints x ${#configs[@]} configurations: wrk -t $threads" \
	"-c $connections -d ${duration}s after ${warmup}s of warm-up; server JVM: $java_opts; load average $load_before"
start_time=$SECONDS
for ((round = 1; round <= repeats; round++)); do
	order=("${configs[@]}")
	((round % 2)) || order=("${configs[1]}" "${configs[0]}")
	for endpoint in "${endpoints[@]}"; do
		for config in "${order[@]}"; do
			run_one "$round" "$endpoint" "$config"
			tail -n 1 "$raw" | awk -F, '{ printf "webflux-bench: round %s %-9s %-5s %9.0f req/s  p99 %7.3f ms  %7.0f B/req heap  errors %d\n", $1, $2, $3, $6, $9, $11, $10 }' >&2
		done
	done
done
elapsed=$((SECONDS - start_time))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------
# medians and ratios (posm / netty, same endpoint)

summary=$work/summary.csv
awk -F, -v endpoints="${endpoints[*]}" -v configs="${configs[*]}" "$awk_median"'
	function mib(x) { return (x == "") ? "" : sprintf("%.2f", x / 1048576) }
	NR == 1 { for (i = 1; i <= NF; i++) column[i] = $i; next }
	{
		run = $2 SUBSEP $3
		runs[run]++
		errors[run] += $10
		for (i = 4; i <= NF; i++) {
			if ($i == "") continue
			key = run SUBSEP column[i]
			values[key, ++count[key]] = $i
		}
	}
	END {
		print "endpoint,config,runs,rps,p50_ms,p99_ms,heap_bytes_per_request,gc_count,direct_peak_jdk_mib," \
			"direct_peak_netty_mib,direct_peak_posm_mib,connection_peak_bytes,errors,rps_vs_netty,p99_vs_netty,heap_vs_netty"
		ne = split(endpoints, e, " "); nc = split(configs, c, " ")
		for (i = 1; i <= ne; i++) {
			base = e[i] SUBSEP "netty"
			for (j = 1; j <= nc; j++) {
				run = e[i] SUBSEP c[j]
				if (!(run in runs)) continue
				rps = median(run SUBSEP "rps"); p99 = median(run SUBSEP "p99_ms")
				heap = median(run SUBSEP "heap_bytes_per_request")
				printf "%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s\n", e[i], c[j], runs[run],
					fmt(rps, "%.0f"), fmt(median(run SUBSEP "p50_ms"), "%.3f"), fmt(p99, "%.3f"),
					fmt(heap, "%.0f"), fmt(median(run SUBSEP "gc_count"), "%.1f"),
					mib(median(run SUBSEP "direct_peak_jdk_bytes")), mib(median(run SUBSEP "direct_peak_netty_bytes")),
					mib(median(run SUBSEP "direct_peak_posm_bytes")),
					fmt(median(run SUBSEP "connection_peak_bytes"), "%.0f"), errors[run],
					ratio(rps, median(base SUBSEP "rps")), ratio(p99, median(base SUBSEP "p99_ms")),
					ratio(heap, median(base SUBSEP "heap_bytes_per_request"))
			}
		}
	}' "$raw" >"$summary"

cp "$summary" "$out/webflux-bench.csv"
cp "$raw" "$out/webflux-bench-runs.csv"
{
	echo "command: posm-benchmarks/webflux-bench.sh $( ((smoke)) && echo '--smoke ')-d $duration -w $warmup -c $connections -t $threads -r $repeats"
	machine_lines
	echo "server jvm options: $java_opts"
	echo "wrk: $(wrk -v 2>&1 | head -n 1)"
	echo "load average (1, 5, 15 min) before: $load_before; after: $load_after"
	echo "wall time: ${elapsed} s"
} >"$out/webflux-bench-machine.txt"

# ---------------------------------------------------------------------------------------
# the chart: four panels, each with posm and netty side by side for both endpoints

chart() {
	local data=$work/chart.dat script=$work/chart.gp load
	# x position, label, rps (k), p99, heap B/req, direct peaks (MiB, jdk, netty, posm; 0: none)
	awk -F, 'NR > 1 {
		x = ($1 == "json" ? 0 : 3) + ($2 == "netty" ? 1 : 0)
		label = ($2 == "posm" ? "posm" : "Netty default") "\\n" ($1 == "json" ? "JSON (50 B)" : "64 KiB")
		printf "%d \"%s\" %s %s %s %s %s %s\n", x, label, $4 / 1000, $6, $7, $9 + 0, $10 + 0, $11 + 0
	}' "$summary" >"$data"
	load=$(awk -F, 'NR > 1 { if (min == "" || $NF < min) min = $NF; if ($NF > max) max = $NF }
		END { printf "%.1f to %.1f", min, max }' "$raw")
	cat >"$script" <<EOF
set terminal svg size 1280,900 dynamic font "DejaVu Sans,12" background rgb "white"
set output "$out/webflux-bench.svg"
set multiplot layout 2,2 title "sample-webflux on Reactor Netty, posm vs Netty's default allocator — wrk -t $threads -c $connections -d ${duration}s (keep-alive), median of $repeats round(s)\n$(nproc) cores, load average $load during the runs" font ",14"
set termoption noenhanced
set style fill solid 0.85 border -1
set boxwidth 0.7
set bmargin 4
set grid ytics lc rgb "#dddddd"
set xrange [-0.7:4.7]
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
unset key
color(x) = (int(x) % 3 == 0) ? 0x2e86c1 : 0xe67e22

set title "Throughput (thousand requests/s, higher is better)"
plot "$data" using 1:3:(color(\$1)):xtic(2) with boxes lc rgb variable, \
     "" using 1:3:(sprintf("%.1f", \$3)) with labels offset 0,0.7 font ",10"

set title "p99 latency (ms, lower is better)"
plot "$data" using 1:4:(color(\$1)):xtic(2) with boxes lc rgb variable, \
     "" using 1:4:(sprintf("%.2f", \$4)) with labels offset 0,0.7 font ",10"

set title "Heap allocated per request, whole JVM (bytes, lower is better)"
plot "$data" using 1:5:(color(\$1)):xtic(2) with boxes lc rgb variable, \
     "" using 1:5:(sprintf("%.0f", \$5)) with labels offset 0,0.7 font ",10"

set title "Peak direct memory over the JVM's life (MiB): three counters"
set boxwidth 0.26
set offsets 0, 0, graph 0.45, 0
set key top left Left reverse font ",10"
plot "$data" using (\$1-0.27):6:xtic(2) with boxes lc rgb "#5dade2" title "JDK (jvm.buffer.memory.used{id=direct})", \
     "" using 1:7 with boxes lc rgb "#f5b041" title "Netty (PlatformDependent.usedDirectMemory)", \
     "" using (\$1+0.27):8 with boxes lc rgb "#8e44ad" title "posm (in use + retained + agents' caches)", \
     "" using (\$1-0.27):6:(sprintf("%.2f", \$6)) with labels offset 0,0.7 font ",8" notitle, \
     "" using 1:7:(sprintf("%.2f", \$7)) with labels offset 0,0.7 font ",8" notitle, \
     "" using (\$1+0.27):8:(sprintf("%.2f", \$8)) with labels offset 0,0.7 font ",8" notitle
unset multiplot
EOF
	gnuplot "$script" 2>"$work/chart.err" || { cat "$work/chart.err" >&2; die "gnuplot failed"; }
	[[ -s $out/webflux-bench.svg ]] || die "gnuplot wrote no chart"
}
chart

# ---------------------------------------------------------------------------------------
# the result

column -s, -t <"$summary" >&2 2>/dev/null || cat "$summary" >&2
incomplete=$(awk -F, -v endpoints="${endpoints[*]}" -v configs="${configs[*]}" '
	NR > 1 && $4 + 0 > 0 && $13 == 0 { done[$1, $2] = 1 }
	END {
		ne = split(endpoints, e, " "); nc = split(configs, c, " ")
		for (i = 1; i <= ne; i++) for (j = 1; j <= nc; j++) if (!((e[i], c[j]) in done)) printf "%s/%s ", e[i], c[j]
	}' "$summary")
[[ -s $out/webflux-bench.csv ]] || die "no CSV written to $out"
[[ -z $incomplete ]] || die "no throughput, or error answers, for: $incomplete(see $out/webflux-bench-runs.csv)"
if [[ $out == "$work"/* ]]; then
	say "every run completed in ${elapsed} s without an error answer; the CSV and the chart were written (to a temporary directory: -o DIR keeps them)"
else
	say "every run completed in ${elapsed} s without an error answer; CSV: $out/webflux-bench.csv, chart: $out/webflux-bench.svg"
fi
