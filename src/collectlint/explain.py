"""Rule documentation, generated from the rule files: `collectlint rules` and `explain`."""

from __future__ import annotations

from collectlint.models import CATEGORIES
from collectlint.rules.loader import CompiledRule, RuleSet
from collectlint.rules.schema import ExampleRecord


def rule_table(ruleset: RuleSet) -> str:
    rows = [(r.spec.id, r.spec.category, r.spec.severity, r.spec.kind, r.spec.name) for r in ruleset.rules]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    return "\n".join([*lines, f"{len(rows)} rules"]) + "\n"


def _example(e: str | ExampleRecord) -> str:
    if isinstance(e, str):
        return e.replace("\n", " / ")
    meta = ", ".join(f"{k}={v}" for k, v in e.model_dump(exclude_none=True).items() if k != "text")
    return f"{e.text.replace(chr(10), ' / ')}  ({meta})" if meta else e.text


def explain_rule(rule: CompiledRule) -> str:
    spec = rule.spec
    out = [
        f"{spec.id} {spec.name}",
        f"  category: {spec.category} ({CATEGORIES[spec.category]})   severity: {spec.severity}   kind: {spec.kind}",
        f"  message:  {spec.message}",
    ]
    if spec.description:
        out.append(f"  {spec.description}")
    after = getattr(spec, "after", None)
    if after is not None:
        said = [*after.terms, *(f"/{p}/" for p in after.patterns)]
        out.append(f"  applies after the {'/'.join(after.speakers)} said: {'、'.join(said)}")
        if after.until:
            out.append(f"  until they say: {'、'.join(f'/{p}/' for p in after.until)}")
    if spec.min_count > 1:
        out.append(f"  reports a document's matches from match {spec.min_count} on")
    if spec.yields:
        out.append("  yields: reports nothing where a rule of severity error matches in the same "
                   "document")
    out.append("  legal basis:")
    out += [f"    - {b.law} {b.article}".rstrip() for b in spec.legal_basis]
    if spec.examples is not None:
        out.append("  fires on:")
        out += [f"    + {_example(e)}" for e in spec.examples.match]
        out.append("  silent on:")
        out += [f"    - {_example(e)}" for e in spec.examples.no_match]
    out.append("  borrower responses:")
    out += [f"    - {'§' + r.section + ' ' if r.section else ''}{r.title}：{r.advice}" for r in rule.responses]
    out.append(f"  defined in: {rule.path}:{rule.line}")
    return "\n".join(out) + "\n"
