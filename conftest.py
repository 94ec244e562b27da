"""Test configuration shared by the unit tests and nbval: fast mode everywhere, nothing downloads.

Set here, before any kernel starts, so the notebook kernels that nbval launches inherit them.
"""

import getpass
import os
import tempfile

os.environ["COURSE_FAST"] = "1"
if os.environ.get("ATEN_CPU_CAPABILITY"):
    # torch 2.14.1's inductor cache does not tell a kernel built for one ATEN_CPU_CAPABILITY from another's: a
    # graph compiled by a native (AVX512) run and reused under ATEN_CPU_CAPABILITY=avx2 gave wrong outputs
    # (docs/performance.md, "The tests on both CPU kinds' kernels"). A run that caps the kernels gets its own cache.
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", os.path.join(
        tempfile.gettempdir(), f"torchinductor_{getpass.getuser()}_{os.environ['ATEN_CPU_CAPABILITY'].lower()}"))
os.environ["COURSE_OFFLINE"] = "1"  # nothing downloads in the tests (a test that serves files unsets it)
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")  # progress bars are for people; CI logs stay readable
