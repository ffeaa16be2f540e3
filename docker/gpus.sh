#!/usr/bin/env bash
# Spark GPU discovery script: prints the worker's GPUs as a Spark resource (one address per GPU).
addrs=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addrs}]}"
