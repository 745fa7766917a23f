"""Engine tests run single-threaded (shared CI machines) and need no Django."""

import os

# Set before onnxruntime / BLAS start their thread pools.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
