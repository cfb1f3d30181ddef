"""The built-in checks, declared as a plugin exactly like a third-party one."""

from __future__ import annotations

from pathlib import Path

from spacedoctor.api import Plugin


def _catalog() -> Path:
    # In a wheel the catalog ships inside the package; in a source checkout it is at the top level.
    packaged = Path(__file__).resolve().parent.parent / "checks.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "checks.yaml"


def _modules() -> tuple[str, ...]:
    import pkgutil

    return tuple(
        info.name
        for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}.")
        if not info.ispkg
    )


PLUGIN = Plugin(name="builtin", catalog=_catalog(), modules=_modules())
