#!/usr/bin/env bash
# Runs Maven with a JDK >= 25, found without any set-up by hand.
#   ./echo.sh run [ARGS...]     build sample-webapp (tests skipped) and start it on port 8080:
#                               java -jar sample-webapp/target/sample-webapp.jar ARGS (Ctrl-C stops it)
#   ./echo.sh test              the whole default test suite
#   ./echo.sh example [NAME]    build, then run an example (basic, async, tcp, channel, select; default: all)
#   ./echo.sh bench [--quick] [WORKLOAD...]
#                               build echo-benchmarks and the HTTP contenders (profile benchmarks,
#                               tests skipped), install wrk if missing (as root), then run the suite:
#                               java -jar echo-benchmarks/target/echo-benchmarks.jar
#   ./echo.sh batch [--OPTION=VALUE...]
#                               build sample-batch (tests skipped), then run its job:
#                               java -jar sample-batch/target/sample-batch.jar (docs/batch.md)
#   ./echo.sh mvn ARGS...       any other Maven invocation on JDK 25
#   ./echo.sh commands          the commands above, one a line (the README's commands are checked against it)
# JAVA_HOME is used when it already points at JDK 25+; otherwise the newest
# JDK 25+ under /usr/lib/jvm (or /Library/Java/JavaVirtualMachines) is used.
set -euo pipefail
cd "$(dirname "$0")"

# Every command the case below accepts (README.md's commands are checked against this list).
COMMANDS=(run test example examples bench benchmarks batch mvn commands)
if [ "${1:-}" = commands ]; then
  printf '%s\n' "${COMMANDS[@]}"; exit 0
fi

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d"); [ -n "$v" ] || continue
    if [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] || { echo "echo.sh: no JDK >= 25 found (set JAVA_HOME to one)" >&2; exit 1; }
  echo "$best"
}

export JAVA_HOME="$(find_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
MVN=(mvn -B -ntp -Dstyle.color=never)

cmd="${1:-test}"; shift || true
case "$cmd" in
  run)
    "${MVN[@]}" -q -DskipTests package -pl sample-webapp -am >&2
    exec "$JAVA_HOME/bin/java" -jar sample-webapp/target/sample-webapp.jar "$@" ;;
  test)
    "${MVN[@]}" verify "$@" ;;
  example|examples)
    "${MVN[@]}" -q -DskipTests test-compile -pl echo-runtime-core
    "${MVN[@]}" -q dependency:build-classpath -pl echo-runtime-core -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/example.classpath >/dev/null
    exec "$JAVA_HOME/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
      -cp "echo-runtime-core/target/classes:echo-runtime-core/target/test-classes:$(cat echo-runtime-core/target/example.classpath)" \
      dev.echo.runtime.examples.Examples "$@" ;;
  bench|benchmarks)
    echo-benchmarks/install-wrk.sh  # the HTTP workloads' load generator; UNAVAILABLE without it
    "${MVN[@]}" -q -Pbenchmarks -DskipTests package -pl echo-benchmarks,echo-benchmarks-http -am >&2  # stdout is the report only
    exec "$JAVA_HOME/bin/java" -jar echo-benchmarks/target/echo-benchmarks.jar "$@" ;;
  batch)
    "${MVN[@]}" -q -DskipTests package -pl sample-batch -am >&2
    exec "$JAVA_HOME/bin/java" -jar sample-batch/target/sample-batch.jar "$@" ;;
  mvn)
    "${MVN[@]}" "$@" ;;
  *)
    echo "usage: ./echo.sh run [ARGS...] | test | example [NAME] | bench [--quick] [WORKLOAD...] | batch [--OPTION=VALUE...] | mvn ARGS... | commands" >&2; exit 2 ;;
esac
