# What the end-to-end load benches (relay-bench.sh, webflux-bench.sh) share: messages,
# argument checks, a work directory, the processes they start (each stopped by its pid on
# exit, whatever the reason), missing Debian packages, free loopback ports, medians.
# Sourced, not run: the sourcing script sets bench_name first (e.g. bench_name=relay-bench).

say() {
	echo "$bench_name: $*" >&2
}

die() {
	say "$@"
	exit 1
}

# sets REPLY to a whole number from min (default 1) to max, or stops with exit status 2
whole_number() { # option value max [min]
	local min=${4-1}
	if [[ ! $2 =~ ^[0-9]{1,10}$ ]] || ((10#$2 < min || 10#$2 > $3)); then
		say "$1 wants a whole number from $min to $3, got '$2'"
		exit 2
	fi
	REPLY=$((10#$2))
}

# ---------------------------------------------------------------------------------------
# the work directory and everything started, stopped on exit by pid

bench_start() { # keep-variable: when it is 1, the work directory is kept
	bench_keep=$1
	work=$(mktemp -d "${TMPDIR:-/tmp}/$bench_name.XXXXXX")
	started=()
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

stop_pid() { # pid name
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$2 (pid $pid) did not stop in 15 s: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

forget_pid() { # pid
	local kept=() p
	for p in "${started[@]}"; do
		[[ $p == "$1" ]] || kept+=("$p")
	done
	started=(${kept[@]+"${kept[@]}"})
}

bench_cleanup() {
	local status=$? i
	trap - EXIT INT TERM
	for ((i = ${#started[@]} - 1; i >= 0; i--)); do
		stop_pid "${started[i]}" "process"
	done
	if ((status != 0)) || [[ ${!bench_keep:-0} == 1 ]]; then
		say "logs and raw output kept in $work"
	else
		rm -rf "$work"
	fi
	exit "$status"
}

# ---------------------------------------------------------------------------------------
# what a bench needs

apt_install() { # debian-package...
	(($#)) || return 0
	say "installing $*"
	command -v apt-get >/dev/null || die "missing $* and no apt-get to install them: install them first"
	local as_root=()
	if [[ $(id -u) != 0 ]]; then
		command -v sudo >/dev/null || die "missing $*: run as root or install them first"
		as_root=(sudo)
	fi
	"${as_root[@]}" apt-get update -qq
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$@" >/dev/null
}

# sets java_bin, or stops
find_java() {
	java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
	command -v "$java_bin" >/dev/null || die "no java: put a JDK (17 or later) on the PATH or set JAVA_HOME"
}

# prints the path of a module's executable jar, building it first if asked or if absent
module_jar() { # module build(0|1)
	local jar
	if (($2)) || ! compgen -G "$root/$1/target/$1-*.jar" >/dev/null; then
		say "building the $1 jar"
		(cd "$root" && ./mvnw -B -ntp -q -pl "$1" -am package -DskipTests) >"$work/build-$1.log" 2>&1 ||
			{ tail -n 40 "$work/build-$1.log" >&2; die "building the $1 jar failed"; }
	fi
	for jar in "$root/$1/target/$1"-*.jar; do
		[[ -f $jar ]] && { echo "$jar"; return 0; }
	done
	die "no jar in $1/target after the build"
}

# sets out: the directory given with -o, else docs/ (--smoke: one in the work directory)
output_dir() {
	if [[ -z $out ]]; then
		if ((smoke)); then out=$work/out; else out=$root/docs; fi
	fi
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
}

# prints the options of a measured JVM: those given, else a fixed 512 MB heap on G1
server_java_opts() { # given
	local opts=${1:--Xms512m -Xmx512m -XX:+UseG1GC}
	# --smoke: only that every JVM starts and serves matters, and C1 alone starts them faster
	((smoke)) && opts+=" -XX:TieredStopAtLevel=1"
	echo "$opts"
}

used_ports=" "
free_port() { # sets REPLY: a loopback port nothing listens on, not handed out before
	local p i
	for ((i = 0; i < 500; i++)); do
		# below the usual ephemeral range (32768-60999), so that no client socket takes it
		p=$((20000 + RANDOM % 12000))
		[[ $used_ports == *" $p "* ]] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			used_ports+="$p "
			REPLY=$p
			return 0
		fi
	done
	die "no free loopback port found in 500 tries"
}

# ---------------------------------------------------------------------------------------
# Actuator answers of a running JVM

get_json() { # management-port path
	curl -fs --max-time 10 "http://127.0.0.1:$1/actuator/$2" || true
}

measurement() { # json statistic
	sed -n "s/.*\"statistic\":\"$2\",\"value\":\([-0-9.eE+]*\).*/\1/p" <<<"$1"
}

field() { # json name
	grep -o "\"$2\":[0-9]*" <<<"$1" | head -n 1 | cut -d: -f2
}

# ---------------------------------------------------------------------------------------
# medians: an awk function, for awk programs that keep values[key, i] and count[key]

# shellcheck disable=SC2034 # used by the sourcing scripts
awk_median='
	function median(key,   n, i, j, t, v) {
		n = count[key]
		if (n == 0) return ""
		for (i = 1; i <= n; i++) v[i] = values[key, i]
		for (i = 2; i <= n; i++) {
			t = v[i]
			for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
			v[j + 1] = t
		}
		return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "" : sprintf("%.2f", a / b) }
	function fmt(x, f) { return (x == "") ? "" : sprintf(f, x) }
'

# the machine, for the *-machine.txt beside a bench's CSV
machine_lines() {
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpus: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel: $(uname -sr)"
	echo "java: $("$java_bin" -version 2>&1 | head -n 2 | tr '\n' ' ')"
}
