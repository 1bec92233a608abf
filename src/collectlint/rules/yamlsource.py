"""A YAML document together with its node tree, so errors can name the line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from collectlint.errors import RuleFileError

# libyaml's C parser when PyYAML was built with it (the wheels are): ten times faster.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicate mapping keys (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@dataclass
class YamlSource:
    path: Path
    data: Any
    root: yaml.Node | None

    @classmethod
    def read(cls, path: Path) -> YamlSource:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleFileError(path, f"cannot read: {exc}") from None
        try:
            loader = _UniqueKeyLoader(text)
            try:
                root = loader.get_single_node()
                data = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            raise RuleFileError(path, f"invalid YAML: {exc.problem or exc.context}", line=line) from None
        except yaml.YAMLError as exc:
            raise RuleFileError(path, f"invalid YAML: {exc}") from None
        return cls(path, data, root)

    def line_of(self, loc: Sequence[int | str]) -> int | None:
        """1-based line of the deepest node on the path `loc` (a pydantic error location)."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            child = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == key:
                        child = v
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if 0 <= key < len(node.value):
                    child = node.value[key]
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line
