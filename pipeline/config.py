"""One configuration system: TOML files shaped like configs/default.toml, merged over it."""
from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

# The project root holds configs/, corpus/ and models/; an editable install points here.
ROOT = Path(os.environ.get("ZHX_ROOT", Path(__file__).resolve().parents[1]))
DEFAULT_CONFIG = ROOT / "configs" / "default.toml"

Config = dict[str, Any]


def merge(base: Config, override: Config) -> Config:
    """Deep-merge `override` into a copy of `base` (tables merge, other values replace)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_config(path: str | Path | None = None, overrides: Config | None = None) -> Config:
    if not DEFAULT_CONFIG.exists():
        raise FileNotFoundError(
            f"{DEFAULT_CONFIG} not found: install the project in editable mode (pip install -e .) "
            "or set ZHX_ROOT to the project folder")
    config = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if path is not None:
        config = merge(config, tomllib.loads(Path(path).read_text(encoding="utf-8")))
    if overrides:
        config = merge(config, overrides)
    return config


def project_path(path: str | Path) -> Path:
    """A path from the config: absolute as given, else relative to the project root."""
    path = Path(path)
    return path if path.is_absolute() else ROOT / path
