"""The run settings of ``train dcgan|cgan|wgan-gp`` beyond its model and train configs, as one typed value.

``GANRunSettings`` is what a run decides besides its configs: the epochs it aims for, the precision it resolved,
the catalog category it leaves out, the photo folder it reads. It is kept in the checkpoint's ``extra`` under
the keys files have always had (so every earlier checkpoint resumes, and ``sample``/``evaluate`` find the folder
record where they look), read in one place (``GANRunSettings.saved_in``), and compared on ``--resume`` by
``check_resume``, which says for each setting how to match it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import UserError


@dataclass(frozen=True)
class GANRunSettings:
    """epochs: the run's target; precision: fp32/bf16 as resolved (None in files from before it was recorded);
    exclude_category: the catalog class left out (lesson 08's base), or None; data: ``commands.folder``'s record
    of a photo folder, or None for the catalog."""

    epochs: float
    precision: str | None = None
    exclude_category: int | None = None
    data: dict | None = None

    @classmethod
    def saved_in(cls, ckpt: dict, default_epochs: float) -> GANRunSettings:
        """The settings a training checkpoint keeps (``default_epochs`` where it kept none)."""
        extra = ckpt.get("extra") or {}
        return cls(extra.get("epochs", default_epochs), extra.get("precision"), extra.get("exclude_category"),
                   extra.get("data"))

    def extra(self) -> dict:
        """The checkpoint's ``extra`` entries for these settings."""
        kept = {"epochs": self.epochs, "exclude_category": self.exclude_category, "precision": self.precision}
        return kept if self.data is None else {**kept, "data": self.data}


def check_same_precision(saved: str | None, precision: str) -> None:
    """Resuming in another precision than the checkpoint's ``saved`` one (None: not recorded) would not continue
    the run exactly: refuse it, saying how to match."""
    if saved is not None and saved != precision:
        raise UserError(f"the checkpoint was trained in {saved} and this run resolves to {precision}: resume with "
                        f"--precision {saved} to continue it exactly.")


def check_resume(saved: GANRunSettings, now: GANRunSettings, path, exclude_flag: str | None) -> None:
    """Refuse a resumed run whose settings differ from the checkpoint's ``saved`` ones, with the flag to change.
    exclude_flag: ``--exclude-category`` as given (None when not given: the run keeps the saved one)."""
    if saved.data is not None and now.data is None:
        raise UserError(f"{path} was trained on --data {saved.data['folder']}: resume with that --data.")
    if saved.exclude_category != now.exclude_category:
        raise UserError(f"--exclude-category {exclude_flag}: the checkpoint was trained excluding "
                        f"{saved.exclude_category}; resume with the same data, or start a new run in another --out "
                        "folder.")
    check_same_precision(saved.precision, now.precision)
