#!/usr/bin/env bash
# Spark's GPU discovery script (spark.worker.resource.gpu.discoveryScript): the GPUs this container sees as a
# Spark resource, {"name": "gpu", "addresses": ["0", "1", ...]}, one address per GPU index of nvidia-smi.
# Without nvidia-smi, or when it fails, the list is empty (still the JSON Spark reads), and Spark refuses a
# worker asked for more GPUs than that, naming the resource; the reason goes to stderr.
if ! indices=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null); then
  echo "gpus.sh: nvidia-smi is missing or failed: no GPUs to offer" >&2
  indices=""
fi
addresses=$(printf '%s\n' "$indices" | tr -d ' \r' | grep -E '^[0-9]+$' | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
