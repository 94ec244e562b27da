"""Test configuration shared by the unit tests and nbval: fast mode everywhere, CPU threads fixed.

Set here, before any kernel starts, so the notebook kernels that nbval launches inherit them.
"""

import os

os.environ["COURSE_FAST"] = "1"
os.environ["COURSE_OFFLINE"] = "1"  # nothing downloads in the tests (a test that serves files unsets it)
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")  # progress bars are for people; CI logs stay readable
