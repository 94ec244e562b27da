"""What to expect at 64 px from a few thousand photos: one run of ``train dcgan --data`` scored as it trains.

Makes the synthetic example folder (``data --make-example-folder``: Fashion-MNIST dresses, sneakers and ankle
boots drawn in a colour on white) with ``--per-class`` photos per category, holds ``--held-out`` of them out, and
trains the dcgan recipe at ``--size`` px in colour on the rest, exactly as ``train dcgan --data DIR`` does, for
``--minutes`` of training time. After every ``--every`` epochs it measures, with the clock stopped:

- ``fid_dark``: FID in the course classifier's features between ``--held-out`` samples of the EMA generator and
  the held-out photos, both reduced to the classifier's domain (28x28 grey "darkness": 1 - the darkest channel,
  so a product in any colour on white becomes a light product on black). It scores shapes, not colours; it is a
  proxy that only makes sense for this synthetic folder. ``fid_dark_floor`` is the same FID between as many
  training photos and the held-out ones: what a perfect model would score at this sample size.
- ``d_gap``: the discriminator's mean logit on training photos minus on held-out photos (eval mode). It grows
  when the discriminator memorises its training set, the failure Karras et al. 2020 (ADA) describe for small
  datasets.
- ``nn_ratio``: median pixel distance from each sample to its nearest training photo, divided by the same for
  held-out photos. Far below 1 means the generator copies training photos.

Prints one JSON line per measurement and writes ``--plot`` (curves and sample rows over time).

    OMP_NUM_THREADS=2 python data_scripts/catalog_expectations.py --plot docs/images/catalog_64px.png
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from course_lib.photos.folders import make_example_folder
from course_lib.runtime import PRECISIONS, configure_cpu_threads, select_device
from course_lib.studies.catalog import plot, run


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--per-class", type=int, default=1100, help="photos per category (3 categories)")
    p.add_argument("--held-out", type=int, default=500)
    p.add_argument("--size", type=int, default=64, choices=(32, 64, 128))
    p.add_argument("--minutes", type=float, default=15.0, help="training time, scoring excluded")
    p.add_argument("--every", type=int, default=2, help="epochs between measurements")
    p.add_argument("--precision", default="auto", choices=PRECISIONS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto")
    p.add_argument("--plot", type=Path, default=None)
    args = p.parse_args(argv)
    configure_cpu_threads()
    device = select_device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # leaves no cache behind
        folder = make_example_folder(Path(tmp) / "shop", per_class=args.per_class, size=160)
        rows = run(args, folder, device)
    if args.plot is not None:
        plot(rows, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
