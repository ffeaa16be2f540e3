#!/usr/bin/env bash
# A real Spark standalone cluster on loopback: one master, N workers of one core each; then
# spark-submit of a `lit` command to it, and everything stopped again when the command ends.
# Two layouts:
#   default           the daemons and spark-submit run from the project's own lit.jar, which carries
#                     Spark (no Spark download; a stand-in SPARK_HOME whose jars/ is lit.jar)
#   --spark-home DIR  a Spark distribution's jars/ (DIR/jars/*) runs the daemons and SparkSubmit, and
#                     the application is the thin lit-spark/target/lit-spark.jar (or --jar FILE), as on
#                     a real cluster
#
# With --netns PREFIX --subnet A.B.C (root only) every daemon runs on a "host" of its own: the master
# in network namespace PREFIX0 at A.B.C.10, worker i in PREFIXi at A.B.C.(10+i), all on a bridge
# whose root-namespace side (A.B.C.1) is the driver's address (tools/cluster/netns.sh; cutting
# worker i's link: netns.sh cut PREFIX i). The namespaces go when the script ends.
#
#   tools/cluster/standalone.sh [--workers N] [--executor-memory 3g] [--spark-home DIR [--jar FILE]]
#                               [--netns PREFIX --subnet A.B.C] -- LIT-ARGS...
#   tools/cluster/standalone.sh --workers 2 -- train -c conf/demo.conf --run "$PWD/runs/cluster" --set train.workers=2
#
# Paths in LIT-ARGS must be absolute (executors run in their own work directories).
# Logs of the master and workers stay in $LIT_CLUSTER_LOGS (default: a temporary folder, printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar=""
spark_home=""
netns=""
subnet=""
workers=2
executor_memory=3g
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --executor-memory) executor_memory="$2"; shift 2 ;;
    --spark-home) spark_home="$(cd "$2" && pwd)"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --netns) netns="$2"; shift 2 ;;
    --subnet) subnet="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "standalone.sh: unknown option $1 (put the lit command after --)" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "standalone.sh: no lit command given after --" >&2; exit 2; }
if [ -n "$spark_home" ]; then
  jar="${jar:-$root/lit-spark/target/lit-spark.jar}"
  ls "$spark_home"/jars/spark-core_*.jar >/dev/null 2>&1 || { echo "standalone.sh: $spark_home/jars has no spark-core jar: not a Spark distribution" >&2; exit 1; }
else
  jar="${jar:-$root/lit-train/target/lit.jar}"
fi
[ -f "$jar" ] || { echo "standalone.sh: $jar not found; build it first: mvn -q -DskipTests package" >&2; exit 1; }

# Spark needs the --add-opens on Java 17; --add-modules=jdk.incubator.vector lets the CPU kernels run (lit-core VectorKernels).
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-modules=jdk.incubator.vector"
logs="${LIT_CLUSTER_LOGS:-$(mktemp -d -t lit-cluster.XXXXXX)}"
mkdir -p "$logs"

# Workers launch executors with SPARK_HOME/jars on the classpath; without a distribution, a SPARK_HOME
# whose jars/ is lit.jar.
if [ -n "$spark_home" ]; then
  export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.12
  spark_cp="$SPARK_HOME/jars/*"
else
  export SPARK_HOME="$logs/spark-home" SPARK_SCALA_VERSION=2.12
  mkdir -p "$SPARK_HOME/jars"
  ln -sf "$jar" "$SPARK_HOME/jars/lit.jar"
  spark_cp="$jar"
fi
# The daemons log at INFO (the jar's own log4j2.xml keeps Spark quiet); the master's URL is read from it.
cat > "$logs/log4j2-daemon.properties" <<'PROPS'
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
PROPS
# Executors inherit the workers' environment: passive OpenMP waiting (see ./lit).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# daemon HOST-INDEX CLASS ARGS...: index 0 is the master's host, i worker i's (namespaces only).
daemon() {
  local in=()
  [ -n "$netns" ] && in=(ip netns exec "$netns$1")
  shift
  exec "${in[@]}" java $opens -Xmx512m -Dlog4j2.configurationFile="$logs/log4j2-daemon.properties" -cp "$spark_cp" "$@"
}

pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "$netns" ] || bash "$root/tools/cluster/netns.sh" down "$netns"
}
trap stop EXIT
if [ -n "$netns" ]; then
  [ -n "$subnet" ] || { echo "standalone.sh: --netns needs --subnet A.B.C" >&2; exit 2; }
  bash "$root/tools/cluster/netns.sh" up "$netns" "$workers" "$subnet" || { echo "standalone.sh: cannot make the namespaces (root?)" >&2; exit 1; }
  host() { echo "$subnet.$((10 + $1))"; }
  driver_host="$subnet.1"
else
  host() { echo 127.0.0.1; }
  driver_host=127.0.0.1
fi

wait_for() {  # FILE PATTERN SECONDS WHAT
  for _ in $(seq 1 "$3"); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "standalone.sh: $4 did not start within $3 s; its log ($1) ends with:" >&2
  tail -20 "$1" >&2
  exit 1
}

daemon 0 org.apache.spark.deploy.master.Master --host "$(host 0)" --port 0 --webui-port 0 >"$logs/master.log" 2>&1 &
pids+=($!)
wait_for "$logs/master.log" "Starting Spark master at spark://" 60 "the master"
master=$(grep -o "spark://$(host 0):[0-9]*" "$logs/master.log" | head -1)
echo "standalone.sh: master $master, logs in $logs"
for i in $(seq 1 "$workers"); do
  daemon "$i" org.apache.spark.deploy.worker.Worker --host "$(host "$i")" --cores 1 --memory "$executor_memory" --webui-port 0 \
    --work-dir "$logs/work-$i" "$master" >"$logs/worker-$i.log" 2>&1 &
  pids+=($!)
  echo $! >"$logs/worker-$i.pid"   # for tests that take a worker away
done
for i in $(seq 1 "$workers"); do wait_for "$logs/worker-$i.log" "Successfully registered with master" 60 "worker $i"; done
echo "standalone.sh: $workers workers registered; submitting: lit $*"

java $opens -cp "$spark_cp" org.apache.spark.deploy.SparkSubmit --master "$master" --deploy-mode client --class org.lit.cli.Lit \
  --conf spark.driver.host="$driver_host" --conf spark.driver.bindAddress="$driver_host" --conf spark.ui.enabled=false \
  --conf spark.executor.cores=1 --conf spark.cores.max="$workers" --conf spark.executor.memory="$executor_memory" \
  --conf spark.scheduler.minRegisteredResourcesRatio=1.0 --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s \
  --conf "spark.executor.extraJavaOptions=$opens" --conf spark.executorEnv.OMP_NUM_THREADS=1 --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  "$jar" "$@"
