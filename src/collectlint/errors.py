"""Failures the user must see as one clear line. Findings are data, never exceptions."""

from __future__ import annotations

from pathlib import Path


class CollectlintError(Exception):
    """Base class: every subclass renders as a single line for stderr."""


class InputError(CollectlintError):
    """An input file, record or argument that cannot be read."""


class ConfigError(CollectlintError):
    """A bad configuration value or command-line option."""


class RuleFileError(CollectlintError):
    """A problem in a rule file, located as `path:line: rule ID: what is wrong`."""

    def __init__(
        self, path: Path | str, message: str, line: int | None = None, rule_id: str | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        self.rule_id = rule_id
        message = " ".join(message.split())  # one line, whatever the input value held
        if len(message) > 300:
            message = message[:297] + "..."
        self.detail = message
        where = self.path if line is None else f"{self.path}:{line}"
        who = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{who} {message}")


class RuleFileErrors(CollectlintError):
    """Several rule-file problems found in one load; each is reported on its own line."""

    def __init__(self, errors: list[RuleFileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
