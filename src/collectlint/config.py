"""Settings: defaults → `collectlint.toml` or `[tool.collectlint]` in pyproject.toml →
command-line flags (which win). Unknown keys are errors that name the file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from collectlint.errors import ConfigError
from collectlint.models import Speaker

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROFILES: dict[str, tuple[str, str]] = {
    "cn": ("22:00", "08:00"),  # GB/T 45251—2025, CBA 2026
    "us": ("21:00", "08:00"),  # FDCPA 1692c(a)(1), Regulation F 1006.6(b)(1)(i)
}


class Settings(BaseModel):
    format: str = "text"
    fail_on: Literal["info", "warning", "error"] = Field(default="warning", alias="fail-on")
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    rules: list[Path] = Field(default_factory=list)
    builtin_rules: bool = Field(default=True, alias="builtin-rules")
    jobs: int | None = Field(default=None, ge=1)
    profile: Literal["cn", "us"] = "cn"
    quiet_hours: tuple[str, str] | None = Field(default=None, alias="quiet-hours")
    redact: bool = False
    speaker_labels: dict[str, Speaker] | None = Field(default=None, alias="speaker-labels")
    asr_roles: dict[str, Speaker] | None = Field(default=None, alias="asr-roles")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("quiet_hours")
    @classmethod
    def _clock(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        import re

        if value is not None and not all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v) for v in value):
            raise ValueError("expected two HH:MM times, e.g. [\"22:00\", \"08:00\"]")
        return value

    @property
    def window(self) -> tuple[str, str]:
        return self.quiet_hours or PROFILES[self.profile]


def find_config(start: Path) -> Path | None:
    """collectlint.toml, or a pyproject.toml with [tool.collectlint], in `start` or above."""
    for folder in (start, *start.parents):
        candidate = folder / "collectlint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool" in (data := _read(pyproject)) and "collectlint" in data["tool"]:
            return pyproject
        if (folder / ".git").exists():
            break
    return None


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("collectlint", {})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        raise ConfigError(f"{path}: {where}: {err['msg']}") from None
    # Rule folders are relative to the file that names them.
    settings.rules = [p if p.is_absolute() else (path.parent / p) for p in settings.rules]
    return settings
