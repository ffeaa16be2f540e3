#!/usr/bin/env bash
# The first thing to run on a GPU node (README, GPU nodes), from a checkout of this repository with Maven and JDK 17:
#   tools/gpu/check.sh
#  1. gpus:     the GPUs (nvidia-smi) and the CUDA libraries ND4J's natives and JavaCPP's presets link (ldconfig);
#  2. build:    lit-train/target/lit.jar with -Pcuda, when it is missing or a CPU build;
#  3. doctor:   the capability check, ./lit doctor;
#  4. parity:   the tiny fixtures on CUDA: DiT and LiT against PyTorch (ParityTest, and again with every batched
#               matmul through batched_gemm), float64 gradients against finite differences, batched_gemm = matmul;
#  5. bench:    ./lit bench on CUDA, engine.tf32 = true (TF32 SGEMMs) and then false (IEEE float32);
#  6. nccl:     ./lit bench-allreduce over the node's GPUs with train.allreduce.transport = nccl (two GPUs or more),
#               and NVIDIA's all_reduce_perf (nccl-tests) when it is on the PATH.
# Each step's output also goes to $LIT_CHECK_LOGS/STEP.log (default: a new temporary folder); the summary names
# the steps that failed. Exit: 0 all passed, 1 a step failed, 2 no NVIDIA GPU (then nothing else is tried).
# Written where no GPU was available: never run (README, GPU nodes).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if ! listed=$(nvidia-smi -L 2>/dev/null) || ! grep -q '^GPU ' <<<"$listed"; then
  echo "check.sh: no NVIDIA GPU found (nvidia-smi is missing, failed or lists none): run this on a GPU node with the" \
    "NVIDIA driver (in a container, one started with the GPUs: docker run --gpus all)" >&2
  exit 2
fi
gpus=$(grep -c '^GPU ' <<<"$listed")
logs="${LIT_CHECK_LOGS:-$(mktemp -d -t lit-gpu-check.XXXXXX)}"
mkdir -p "$logs"
jar="$root/lit-train/target/lit.jar"
failed=()

step() {  # NAME COMMAND...: runs the command, its output on the terminal and in $logs/NAME.log
  local name="$1"; shift
  printf '\n== %s: %s\n' "$name" "$*"
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    printf '== %s: passed\n' "$name"
  else
    printf '== %s: FAILED (log: %s)\n' "$name" "$logs/$name.log"
    failed+=("$name")
  fi
}

summary() {
  printf '\n%d GPU(s); logs in %s\n' "$gpus" "$logs"
  if [ "${#failed[@]}" -eq 0 ]; then echo "check.sh: every step passed"; exit 0; fi
  echo "check.sh: failed: ${failed[*]}"
  exit 1
}

devices() {
  nvidia-smi || return 1
  nvidia-smi --query-gpu=index,name,compute_cap,memory.total,driver_version --format=csv 2>/dev/null \
    || echo "(this driver's nvidia-smi has no compute_cap field; ./lit doctor reports each GPU's capability)"
  local missing=0 lib
  for lib in libcublas.so.11 libcusolver.so.11 libcudnn.so.8 libcudart.so.11.0 libnccl.so.2; do
    ldconfig -p | grep -F "$lib" || { echo "$lib: not found by ldconfig"; missing=1; }
  done
  return "$missing"
}

cuda_jar() {  # whether lit.jar carries the CUDA build's classes
  [ -f "$jar" ] && jar tf "$jar" | grep -q '^org/lit/core/CublasTf32.class$'
}

step gpus devices
cuda_jar || step build mvn -q -B -f "$root/pom.xml" -Pcuda -DskipTests package
if ! cuda_jar; then
  echo "check.sh: $jar is not a CUDA build (no org/lit/core/CublasTf32.class): the other steps need one" >&2
  failed+=("cuda-jar")
  summary
fi
step doctor "$root/lit" doctor
step parity mvn -q -B -f "$root/pom.xml" -Pcuda -pl lit-core test -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='ParityTest,BatchedGemmParityTest,GradientCheckTest,BatchedGemmGradientCheckTest,BatchedGemmTest'
step bench-tf32 "$root/lit" bench --no-torch --set engine.tf32=true
step bench-fp32 "$root/lit" bench --no-torch --set engine.tf32=false
if [ "$gpus" -ge 2 ]; then
  step nccl "$root/lit" bench-allreduce --workers "1,$gpus" --set train.allreduce.transport=nccl
  if command -v all_reduce_perf >/dev/null 2>&1; then
    step nccl-tests all_reduce_perf -b 8M -e 512M -f 2 -g "$gpus"
  fi
else
  printf '\n== nccl: skipped, one GPU (an all-reduce between GPUs needs two)\n'
fi
summary
