#!/usr/bin/env bash
# master | worker [MASTER_URL] | submit LIT-ARGS | anything else is passed to `lit` (e.g. `info --model LiT-XL/2`).
# MASTER_URL defaults to $LIT_MASTER (spark://master:7077 in docker-compose.yml).
set -euo pipefail
# Spark needs the --add-opens on Java 17; --add-modules=jdk.incubator.vector lets the CPU kernels run (lit-core VectorKernels).
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-modules=jdk.incubator.vector"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/lit.jar"
# OpenMP threads spinning after each ND4J op steal cores from BLAS; executors inherit this.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
case "${1:-}" in
  master) exec java $opens -cp "$jar" org.apache.spark.deploy.master.Master --host "$(hostname)" --port 7077 --webui-port 8080 ;;
  worker)
    master="${2:-${LIT_MASTER:?worker needs the master URL, e.g. spark://master:7077, as its argument or in LIT_MASTER}}"
    gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)
    if [ "$gpus" -eq 0 ]; then
      echo "entrypoint.sh: no NVIDIA GPU visible in this container (nvidia-smi lists none): start it with the GPUs" \
        "(docker run --gpus all, or docker-compose.yml's device reservation on a host with the NVIDIA Container Toolkit)" >&2
      exit 1
    fi
    exec java $opens -Dspark.worker.resource.gpu.amount="$gpus" -Dspark.worker.resource.gpu.discoveryScript="$here/gpus.sh" \
      -cp "$jar" org.apache.spark.deploy.worker.Worker "$master" ;;
  submit)
    shift
    # One executor per GPU, one task per executor: each task binds the GPU Spark gives it (TaskGpu).
    exec java $opens -cp "$jar" org.apache.spark.deploy.SparkSubmit --master "${LIT_MASTER:?submit needs LIT_MASTER, e.g. spark://master:7077}" \
      --deploy-mode client --class org.lit.cli.Lit --conf spark.executor.cores=1 --conf spark.executor.resource.gpu.amount=1 \
      --conf spark.task.resource.gpu.amount=1 --conf spark.executor.memory="${LIT_EXECUTOR_MEMORY:-16g}" \
      --conf "spark.executor.extraJavaOptions=$opens" --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE "$jar" "$@" ;;
  *) exec java $opens -jar "$jar" "$@" ;;
esac
