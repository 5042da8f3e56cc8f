#!/usr/bin/env bash
# The GPU benchmark, as one command on a GPU host (from the repository root, after `npm ci`):
#   bash loadtest/gpu-run.sh [provider]      provider: cuda (default), tensorrt, webgpu, auto
# cuda/tensorrt need the provider libraries (`npm run install:cuda`, deploy/README.md "GPU host")
# and the CUDA 12 + cuDNN 9 runtime; webgpu needs only a Vulkan loader and the NVIDIA driver.
# Prints the GPU, then `npm run bench -- --gpu`: per-frame cost in the pool against the bare model,
# detector frames/s and embeddings/s against batch size, and the gateway end to end at growing
# camera counts (cameras per GPU). The output ends with BENCH_JSON {...}.
set -euo pipefail
cd "$(dirname "$0")/.."
provider="${1:-cuda}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || echo "nvidia-smi not found"
nproc
npm run build >/dev/null
node dist/loadtest/bench.js --gpu --provider "$provider" --workers auto --seconds 6 \
  --batch-sizes 1,4,16,64 --cameras-sweep 16,48,96
