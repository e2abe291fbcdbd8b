# Sourced by the scripts that run Streamgate's instances with the probe processors (load-tests/probes), from the
# repository's root: state-heap.sh, takeover-heap.sh.

# probe_classpath <out> <classes>: compiles the build and the probe processors (into <out>/probe); sets CP, the
# classpath that runs <classes> with them
probe_classpath() {
  mkdir -p "$1/probe"
  ./mvnw -q -B -ntp compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$1/classpath" >&2
  CP="$1/probe:$2:$(cat "$1/classpath")"
  javac -d "$1/probe" -cp "$CP" load-tests/probes/io/streamgate/processing/*.java
}

# await_ready <log> <pid>: whether the instance <pid>, logging to <log>, says it is ready within 120 s, alive
await_ready() {
  for _ in $(seq 240); do
    grep -q 'Streamgate ready' "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}
