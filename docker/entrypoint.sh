#!/usr/bin/env bash
# master | worker MASTER_URL | anything else is passed to `lit` (e.g. `train -c conf/lit-xl2-256.conf`).
set -euo pipefail
# Spark needs the --add-opens on Java 17; --add-modules=jdk.incubator.vector lets the CPU kernels run (lit-core VectorKernels).
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-modules=jdk.incubator.vector"
# OpenMP threads spinning after each ND4J op steal cores from BLAS; executors inherit this.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
case "${1:-}" in
  master) exec java $opens -cp /opt/lit/lit.jar org.apache.spark.deploy.master.Master --host "$(hostname)" --port 7077 --webui-port 8080 ;;
  worker)
    gpus=$(nvidia-smi -L 2>/dev/null | wc -l)
    exec java $opens -Dspark.worker.resource.gpu.amount="$gpus" -Dspark.worker.resource.gpu.discoveryScript=/opt/lit/gpus.sh \
      -cp /opt/lit/lit.jar org.apache.spark.deploy.worker.Worker "${2:?worker needs the master URL, e.g. spark://master:7077}" ;;
  *) exec java $opens -jar /opt/lit/lit.jar "$@" ;;
esac
