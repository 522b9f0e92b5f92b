"""Settings files (grading schemes, import mappings): TOML found by a shipped name or by a path."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from grading.model.schema import NivaranError


def read_toml(
    name_or_path: str | Path, directory: Path, what: str, error: type[NivaranError]
) -> tuple[dict[str, Any], Path]:
    """Read ``directory/<name>.toml`` for a shipped name, or the file at a path; raise ``error`` naming
    the file when it is missing or not valid TOML (the message lists the shipped names)."""
    candidate = Path(name_or_path)
    path = candidate if candidate.suffix == ".toml" or candidate.exists() else directory / f"{name_or_path}.toml"
    if not path.exists():
        shipped = sorted(p.stem for p in directory.glob("*.toml"))
        msg = f"no {what} {str(name_or_path)!r}: give a file path or one of {shipped}"
        raise error(msg)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"{path}: not valid TOML ({exc})"
        raise error(msg) from exc
