"""Load rule packs: YAML rule files, a responses file and jieba user dictionaries.

Everything is validated and compiled here, once; a problem anywhere stops the
load with one `path:line: rule ID: what is wrong` line per problem.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import regex
from pydantic import BaseModel, TypeAdapter, ValidationError

from collectlint.cachefiles import cache_dir
from collectlint.errors import RuleFileError, RuleFileErrors
from collectlint.models import CATEGORIES, LegalBasis, Response
from collectlint.respond import ResponseBook, load_responses
from collectlint.rules.conversation_gates import ConversationGates
from collectlint.rules.exceptions import ExceptionChecker
from collectlint.rules.literals import PatternError, PatternFacts, derive_facts
from collectlint.rules.matchers import Matcher, compile_matcher
from collectlint.rules.matchers.base import normalize_term
from collectlint.rules.matchers.regex import compile_pattern
from collectlint.rules.packcache import cached_load
from collectlint.rules.prefilter import Prefilter
from collectlint.rules.schema import RuleSpec
from collectlint.text.variants import VariantTable

if TYPE_CHECKING:
    from collectlint.rules.yamlsource import YamlSource

REGEX_TIMEOUT_SECONDS = 1.0


@cache
def _rule_adapter() -> TypeAdapter[RuleSpec]:
    """The validator of a rule entry, built when rule files are read. Built at import, it
    cost every scan whose pack comes from the cache its schema and pydantic's look for
    plugins in every installed package (~20 ms in all)."""
    return TypeAdapter(RuleSpec)


@dataclass(frozen=True, eq=False)
class CompiledRule:
    spec: RuleSpec
    matcher: Matcher | None  # None: a rule that reads metadata, not words
    exceptions: ExceptionChecker
    responses: tuple[Response, ...]
    path: Path
    line: int | None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def legal_basis(self) -> tuple[LegalBasis, ...]:
        return self.spec.legal_basis

    @cached_property
    def after_terms(self) -> tuple[str, ...]:
        """Normalized trigger terms of a conversation-state rule (empty for others)."""
        after = getattr(self.spec, "after", None)
        return tuple(normalize_term(t) for t in after.terms) if after else ()

    @cached_property
    def after_gate(self) -> tuple[str, ...] | None:
        """Literals of which every `after` saying holds one: its terms, and what each of its
        patterns requires. None for other rules, or when a pattern requires no literal."""
        after = getattr(self.spec, "after", None)
        if after is None:
            return None
        gate = set(self.after_terms)
        for pattern in after.patterns:
            regex_only, required, _, _ = derive_facts(unicodedata.normalize("NFKC", pattern))
            if regex_only or not required:
                return None
            gate |= required
        return tuple(sorted(gate))

    @cached_property
    def after_patterns(self) -> tuple[regex.Pattern[str], ...]:
        """Compiled `after.patterns` of a conversation-state rule (empty for others)."""
        after = getattr(self.spec, "after", None)
        return tuple(compile_pattern(p) for p in after.patterns) if after else ()

    @cached_property
    def until_patterns(self) -> tuple[regex.Pattern[str], ...]:
        """Compiled `after.until` of a conversation-state rule (empty for others)."""
        after = getattr(self.spec, "after", None)
        return tuple(compile_pattern(p) for p in after.until) if after else ()


class _Heard(dict[str, bool]):
    """See RuleSet.heard_on."""

    def __init__(self, ruleset: RuleSet, channel: str) -> None:
        super().__init__()
        self._ruleset, self._channel = ruleset, channel

    def __missing__(self, speaker: str) -> bool:
        rules = self._ruleset.rules
        heard = self[speaker] = any(
            rules[r].matcher is not None for r in self._ruleset.scope(speaker, self._channel))
        return heard


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[CompiledRule, ...]
    responses: ResponseBook
    user_dicts: tuple[Path, ...]
    variants: VariantTable = VariantTable({})

    @cached_property
    def prefilter(self) -> Prefilter:
        return Prefilter(self.rules, self.variants, self.conversation_gates)

    @cached_property
    def turn_bound(self) -> frozenset[int]:
        """Indexes of the conversation-state rules (`after:`): they apply to a turn only
        after another turn said one of their sayings."""
        return frozenset(r for r, rule in enumerate(self.rules) if getattr(rule.spec, "after", None) is not None)

    @cached_property
    def conversation_gates(self) -> ConversationGates:
        """The gates of the conversation-state rules that have one, searched together."""
        gates = {r: self.rules[r].after_gate for r in sorted(self.turn_bound)}
        return ConversationGates({r: gate for r, gate in gates.items() if gate is not None})

    @cached_property
    def _scopes(self) -> dict[tuple[str, str], frozenset[int]]:
        """(speaker, channel) → the indexes of the rules in scope, filled as pairs occur."""
        return {}

    @cached_property
    def _heard(self) -> dict[str, _Heard]:
        return {}

    def heard_on(self, channel: str) -> Mapping[str, bool]:
        """speaker → whether some rule that reads words takes what they say on `channel`:
        the turns of a speaker none does (the borrower, in the shipped pack) need not be
        looked at. Filled as speakers occur."""
        heard = self._heard.get(channel)
        if heard is None:
            heard = self._heard[channel] = _Heard(self, channel)
        return heard

    def scope(self, speaker: str, channel: str) -> frozenset[int]:
        """Indexes of the rules whose scope takes `speaker` on `channel`."""
        allowed = self._scopes.get((speaker, channel))
        if allowed is None:
            allowed = self._scopes[speaker, channel] = frozenset(
                r for r, rule in enumerate(self.rules) if speaker in rule.spec.scope.speakers
                and (rule.spec.scope.channels is None or channel in rule.spec.scope.channels))
        return allowed

    def in_scope(self, channel: str) -> Callable[[str, Iterable[int]], list[int]]:
        """For a document of `channel`: (speaker, rule indexes) → those of the rules whose
        scope takes that speaker and channel, in rule order."""

        def select(speaker: str, indexes: Iterable[int]) -> list[int]:
            return sorted(self.scope(speaker, channel).intersection(indexes))

        return select

    def get(self, key: str) -> CompiledRule | None:
        for rule in self.rules:
            if key in (rule.spec.id, rule.spec.name):
                return rule
        return None

    def filtered(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSet:
        """Keep rules named by id, name or category in `select` (all when empty), minus `ignore`."""
        known = {k for r in self.rules for k in (r.spec.id, r.spec.name, r.spec.category)}
        unknown = [k for k in (*select, *ignore) if k not in known]
        if unknown:
            raise RuleFileErrors([RuleFileError("--select/--ignore", f"unknown rule or category {k!r}")
                                  for k in unknown])

        def named(rule: CompiledRule, keys: Sequence[str]) -> bool:
            return bool({rule.spec.id, rule.spec.name, rule.spec.category} & set(keys))

        kept = tuple(
            r for r in self.rules if (not select or named(r, select)) and not named(r, ignore)
        )
        return RuleSet(kept, self.responses, self.user_dicts, self.variants)


def builtin_rules_dir() -> Path:
    """The shipped pack: inside the installed package, or `rules/` of a source checkout."""
    packaged = Path(str(resources.files("collectlint"))) / "builtin_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def load_rule_pack(dirs: Iterable[Path]) -> RuleSet:
    """The rule pack of `dirs` (later directories add to earlier ones), from the user
    cache folder when an earlier run loaded the same files with the same code."""
    return cached_load(tuple(dirs), cache_dir(), _load_from_files, settings=repr(REGEX_TIMEOUT_SECONDS))


def _load_from_files(dirs: Iterable[Path]) -> RuleSet:
    # Imported here: a start that finds the pack in the cache never parses YAML.
    from collectlint.rules.yamlsource import YamlSource

    errors: list[RuleFileError] = []
    rule_sources: list[YamlSource] = []
    responses = ResponseBook({})
    variants: dict[str, list[str]] = {}
    user_dicts: list[Path] = []
    for directory in dirs:
        if not directory.is_dir():
            raise RuleFileErrors([RuleFileError(directory, "rule directory not found")])
        for path in sorted(directory.rglob("*")):
            if path.suffix in (".yaml", ".yml"):
                try:
                    source = YamlSource.read(path)
                    if isinstance(source.data, dict) and "responses" in source.data:
                        responses = responses.merged(load_responses(path))
                    elif isinstance(source.data, dict) and "variants" in source.data:
                        for standard, spellings in _variants_of(source).items():
                            variants.setdefault(standard, []).extend(spellings)
                    else:
                        rule_sources.append(source)
                except RuleFileError as exc:
                    errors.append(exc)
            elif path.suffix == ".txt" and path.stem.startswith("userdict"):
                user_dicts.append(path)

    rules: list[CompiledRule] = []
    seen: dict[str, str] = {}
    facts = PatternFacts(cache_dir())
    table = VariantTable(variants)
    respell = Respeller(table)
    for source in rule_sources:
        for rule in _rules_of(source, responses, errors, facts, respell):
            where = f"{source.path}:{rule.line}"
            if rule.id in seen:
                errors.append(RuleFileError(source.path, f"duplicate id, first defined at {seen[rule.id]}",
                                            line=rule.line, rule_id=rule.id))
                continue
            seen[rule.id] = where
            rules.append(rule)
    facts.save()
    if errors:
        raise RuleFileErrors(errors)
    return RuleSet(tuple(rules), responses, tuple(user_dicts), table)


def _variants_of(source: YamlSource) -> dict[str, list[str]]:
    """`variants:` maps a standard form to the spellings that stand for it (zuo牢 → 坐牢)."""
    data = source.data
    if set(data) != {"variants"} or not isinstance(data["variants"], dict):
        raise RuleFileError(source.path, "expected a mapping with only a `variants:` mapping", line=1)
    table: dict[str, list[str]] = {}
    for standard, spellings in data["variants"].items():
        if not isinstance(standard, str) or not isinstance(spellings, list) or not all(
            isinstance(v, str) and v.strip() for v in spellings
        ):
            raise RuleFileError(source.path, f"variants of {standard!r}: expected a list of strings",
                                line=source.line_of(("variants", standard)))
        table[standard] = spellings
    return table


def _rules_of(
    source: YamlSource, responses: ResponseBook, errors: list[RuleFileError],
    facts: PatternFacts | None = None, respell: Callable[[RuleSpec], RuleSpec] | None = None,
) -> list[CompiledRule]:
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        errors.append(RuleFileError(source.path, "expected a mapping with a `rules:` list", line=1))
        return []
    extra = sorted(set(data) - {"rules"})
    if extra:
        errors.append(RuleFileError(source.path, f"unknown top-level key(s): {', '.join(map(str, extra))}",
                                    line=source.line_of((extra[0],))))
    compiled = []
    for i, item in enumerate(data["rules"]):
        rule_id = item.get("id") if isinstance(item, dict) else None
        line = source.line_of(("rules", i))
        try:
            spec = _rule_adapter().validate_python(item)
        except ValidationError as exc:
            kind = item.get("kind") if isinstance(item, dict) else None
            for err in exc.errors():
                loc = [p for p in err["loc"] if p != kind] if kind else list(err["loc"])
                field = ".".join(map(str, loc)) or "rule"
                errors.append(RuleFileError(source.path, f"{field}: {err['msg']}",
                                            line=source.line_of(("rules", i, *loc)), rule_id=rule_id))
            continue
        if respell is not None:
            spec = respell(spec)
        problems = _check_references(spec, responses)
        try:
            matcher = compile_matcher(spec, REGEX_TIMEOUT_SECONDS, facts)
            exceptions = ExceptionChecker(spec.exceptions)
            after = getattr(spec, "after", None)
            for pattern in after.patterns if after else ():
                compile_pattern(pattern)  # checked now; compiled again on first use
        except (regex.error, PatternError) as exc:
            problems.append(f"invalid regular expression: {exc}")
        for problem in problems:
            errors.append(RuleFileError(source.path, problem, line=line, rule_id=spec.id))
        if problems:
            continue
        compiled.append(CompiledRule(
            spec=spec, matcher=matcher, exceptions=exceptions,
            responses=tuple(responses[r] for r in spec.responses), path=source.path, line=line,
        ))
    return compiled


# What a rule searches the text for, respelled (see Respeller): terms, and patterns
# (regular expressions).
_TERMS = ("terms", "literals", "groups")
_PATTERNS = ("pattern",)
_EXCEPTION_TERMS = ("negators", "breakers", "stops", "refutations", "reporting", "phrases", "message_phrases")
_EXCEPTION_PATTERNS = ("framings", "patterns")
_AFTER_TERMS = ("terms",)
_AFTER_PATTERNS = ("patterns", "until")


class Respeller:
    """Rules written the way the text reads once its spelling variants are replaced (唔会
    → 不会, 佢 → 他; see VariantTable.respell): the terms and patterns a rule searches the
    text for, not its messages or examples. Equal values give one object, so the default
    exception lists, shared by every rule, stay shared in the pack cache."""

    def __init__(self, variants: VariantTable) -> None:
        self._respell = {"term": variants.respell, "pattern": variants.respell_pattern}
        self._memo: dict[tuple[str, object], object] = {}
        self.active = bool(variants.size)

    def __call__(self, spec: RuleSpec) -> RuleSpec:
        if not self.active:
            return spec
        update = self._changed(spec, _TERMS, _PATTERNS)
        exceptions = self._changed(spec.exceptions, _EXCEPTION_TERMS, _EXCEPTION_PATTERNS)
        if exceptions:
            update["exceptions"] = spec.exceptions.model_copy(update=exceptions)
        after = getattr(spec, "after", None)
        if after is not None:
            changed = self._changed(after, _AFTER_TERMS, _AFTER_PATTERNS)
            if changed:
                update["after"] = after.model_copy(update=changed)
        return spec.model_copy(update=update) if update else spec

    def _changed(self, model: BaseModel, terms: Iterable[str], patterns: Iterable[str]) -> dict[str, object]:
        known = type(model).model_fields
        update = {}
        for kind, names in (("term", terms), ("pattern", patterns)):
            for name in names:
                if name in known:
                    value = getattr(model, name)
                    new = self._each(kind, value)
                    if new is not value:
                        update[name] = new
        return update

    def _each(self, kind: str, value: object) -> object:
        """`value` (a string, or tuples of them) respelled; `value` itself if unchanged."""
        key = (kind, value)
        out = self._memo.get(key)
        if out is None:
            if isinstance(value, str):
                out = self._respell[kind](value)
            else:
                out = tuple(self._each(kind, v) for v in value)  # type: ignore[attr-defined]
            if out == value:
                out = value
            self._memo[key] = out
        return out


def _check_references(spec: RuleSpec, responses: ResponseBook) -> list[str]:
    problems = [f"unknown response id {r!r}" for r in spec.responses if r not in responses]
    if spec.category not in CATEGORIES:  # guarded by the schema too; kept for clarity of errors
        problems.append(f"unknown category {spec.category!r}")
    return problems
