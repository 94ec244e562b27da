"""What ``evaluate`` returns: every number of one evaluation, with a readable summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..categories import CLASS_NAMES


@dataclass(frozen=True)
class Evaluation:
    """Metrics of one generated set against the real Fashion-MNIST test split (course extractor features).

    fid, kid_mean/kid_std: lower is better (0 = same distribution); is_mean/is_std: higher is better
    (at most 10 classes); precision: share of generated samples inside the real manifold (fidelity);
    recall: share of real samples inside the generated manifold (diversity).
    per_class_fid[c]: real test images of class c vs the generated samples grouped into c by
    ``per_class_by`` ("predicted class" of the extractor, or the "conditioning label").
    gan_test_accuracy / gan_train_accuracy: conditional generators only, else None.
    fid_inception: only when Inception weights were given, else None.
    """

    fid: float
    kid_mean: float
    kid_std: float
    is_mean: float
    is_std: float
    precision: float
    recall: float
    per_class_fid: tuple[float, ...]
    per_class_count: tuple[int, ...]
    per_class_by: str
    gan_test_accuracy: float | None
    gan_train_accuracy: float | None
    fid_inception: float | None
    num_generated: int
    num_real: int
    kid_subset_size: int
    extractor_sha256: str
    seconds: float

    def to_dict(self) -> dict:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def summary(self) -> str:
        """A short table for printing."""
        lines = [
            f"FID {self.fid:.2f}   KID {self.kid_mean:.4f} ± {self.kid_std:.4f}   "
            f"IS {self.is_mean:.2f} ± {self.is_std:.2f}",
            f"precision {self.precision:.3f}   recall {self.recall:.3f}   "
            f"({self.num_generated} generated vs {self.num_real} real test images, {self.seconds:.1f} s)",
        ]
        if self.gan_test_accuracy is not None:
            lines.append(f"GAN-test accuracy {self.gan_test_accuracy:.3f}" + (
                "" if self.gan_train_accuracy is None else f"   GAN-train accuracy {self.gan_train_accuracy:.3f}"))
        if self.fid_inception is not None:
            lines.append(f"Inception FID {self.fid_inception:.2f}")
        lines.append(f"per-class FID (generated grouped by {self.per_class_by}):")
        lines += [f"  {name:12s} {fid:9.2f}  (n={count})"
                  for name, fid, count in zip(CLASS_NAMES, self.per_class_fid, self.per_class_count)]
        return "\n".join(lines)
