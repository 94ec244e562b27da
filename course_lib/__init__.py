"""course_lib: the small, tested library behind the Product Image GANs lessons."""

import importlib

__version__ = "0.1.0"


def lazy_exports(package: str, exports: dict[str, str]):
    """(``__getattr__``, ``__dir__``) for ``package`` whose names in ``exports`` (name -> submodule) are imported
    on first use (PEP 562) and then kept as plain attributes. A name that is also a submodule's name must be bound
    eagerly instead: importing that submodule binds the package attribute to the module."""
    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{exports[name]}", package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | set(exports))

    return __getattr__, __dir__
