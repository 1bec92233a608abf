"""argv → api → formatter → exit code. The only module that prints or exits.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage, input or rule error (one line each on stderr) — also when any document
could not be read, after the whole report has been written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import TextIO
from pathlib import Path

from collectlint import __version__
from collectlint.api import Linter
from collectlint.errors import CollectlintError
from collectlint.evaluate import evaluate
from collectlint.evaluate import render as render_evaluation
from collectlint.formatters import FORMATTERS
from collectlint.parallel import default_jobs
from collectlint.models import CATEGORIES, SEVERITY_RANK, Summary
from collectlint.progress import Progress
from collectlint.redact import redact_document
from collectlint.rules.selftest import run_examples

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other user error
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _split_ids(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="collectlint", description=(
        "Compliance checker for Chinese debt-collection calls and messages."))
    parser.add_argument("--version", action="version", version=f"collectlint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def rule_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--rules", action="append", metavar="DIR",
                       help="extra rule directory (repeatable); the shipped pack is loaded too")
        p.add_argument("--no-builtin-rules", action="store_true", help="do not load the shipped pack")

    scan = sub.add_parser("scan", help="scan files, directories or - (stdin)")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    scan.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    rule_options(scan)
    scan.add_argument("--select", action="append", metavar="IDS",
                      help="only these rule ids, names or categories (comma separated)")
    scan.add_argument("--ignore", action="append", metavar="IDS",
                      help="skip these rule ids, names or categories (comma separated)")
    scan.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                      help="worker processes for batches (default: all cores)")
    scan.add_argument("--exhaustive", action="store_true",
                      help="run every rule on every utterance without the prefilter (reference mode)")
    scan.add_argument("--fail-on", choices=["info", "warning", "error"], default="warning",
                      help="lowest severity that makes the exit code 1 (default: warning)")
    scan.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    scan.add_argument("--redact", action="store_true",
                      help="mask phone, ID card and bank card numbers and e-mail addresses in the report")

    rules = sub.add_parser("rules", help="list the rules")
    rule_options(rules)

    explain = sub.add_parser("explain", help="show one rule: message, legal basis, examples, responses")
    explain.add_argument("rule_id")
    rule_options(explain)

    test_rules = sub.add_parser("test-rules", help="run the examples embedded in rule files")
    test_rules.add_argument("dirs", nargs="*", metavar="DIR",
                            help="rule directories to test (default: the shipped pack)")
    ev = sub.add_parser("eval", help="precision and recall against a labelled JSONL corpus")
    ev.add_argument("corpus", nargs="+", metavar="CORPUS.jsonl")
    ev.add_argument("--min-severity", choices=["info", "warning", "error"], default="warning",
                    help="lowest severity that counts as flagging a document (default: warning)")
    ev.add_argument("--show", type=int, default=20, metavar="N",
                    help="list at most N false positives and N misses per corpus (default: 20)")
    rule_options(ev)
    return parser


def _linter(args: argparse.Namespace, **kwargs) -> Linter:
    return Linter(args.rules, builtin=not args.no_builtin_rules, **kwargs)


class _Output:
    """stdout, or a file written beside the target and renamed into place at the end,
    so an interrupted run never leaves half a report."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self._tmp: Path | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        folder = self.path.parent
        if not folder.is_dir():
            raise _UsageError(f"collectlint: output folder does not exist: {folder}")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self._fh

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.path is None:
            sys.stdout.flush()
            return
        assert self._tmp is not None
        self._fh.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)


# Formats that are one file to open, never a stream on a terminal.
_NEEDS_OUTPUT = {"html"}


def _cmd_scan(args: argparse.Namespace) -> int:
    if args.format in _NEEDS_OUTPUT and args.output is None:
        raise _UsageError(f"collectlint: --format {args.format} needs --output FILE")
    linter = _linter(args, select=_split_ids(args.select), ignore=_split_ids(args.ignore),
                     exhaustive=args.exhaustive)
    jobs = args.jobs or default_jobs()
    colour = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    formatter = FORMATTERS[args.format](colour=colour, rules=linter.ruleset)
    summary = Summary()
    progress = Progress()
    with _Output(args.output) as out:
        try:
            out.write(formatter.begin())
            for doc in linter.iter_paths(args.paths, jobs=jobs):
                if args.redact:
                    doc = redact_document(doc)
                summary.add(doc)
                out.write(formatter.document(doc))
                if doc.status == "error":
                    progress.clear()
                    where = doc.source if doc.id == doc.source else doc.id
                    print(f"collectlint: {where}: {doc.error}", file=sys.stderr)
                progress.update(len(doc.findings))
            out.write(formatter.end(summary))
        finally:
            progress.close()
    if summary.documents_with_errors:
        return EXIT_ERROR
    if summary.worst >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    ruleset = _linter(args).ruleset
    rows = [(r.spec.id, r.spec.category, r.spec.severity, r.spec.name) for r in ruleset.rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)] if rows else [0, 0, 0]
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row[:3], widths)) + "  " + row[3])
    print(f"{len(rows)} rules")
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    ruleset = _linter(args).ruleset
    rule = ruleset.get(args.rule_id)
    if rule is None:
        raise _UsageError(f"collectlint: unknown rule {args.rule_id!r} (see `collectlint rules`)")
    spec = rule.spec
    out = [
        f"{spec.id} {spec.name}",
        f"  category: {spec.category} ({CATEGORIES[spec.category]})   severity: {spec.severity}   kind: {spec.kind}",
        f"  message:  {spec.message}",
    ]
    if spec.description:
        out.append(f"  {spec.description}")
    out.append("  legal basis:")
    out += [f"    - {b.law} {b.article}".rstrip() for b in spec.legal_basis]
    out.append("  fires on:")
    out += [f"    + {e}" for e in spec.examples.match]
    out.append("  silent on:")
    out += [f"    - {e}" for e in spec.examples.no_match]
    out.append("  borrower responses:")
    out += [f"    - {'§' + r.section + ' ' if r.section else ''}{r.title}：{r.advice}" for r in rule.responses]
    out.append(f"  defined in: {rule.path}:{rule.line}")
    print("\n".join(out))
    return EXIT_OK


def _cmd_test_rules(args: argparse.Namespace) -> int:
    linter = Linter(args.dirs or None, builtin=not args.dirs)
    count, failures = run_examples(linter.ruleset, linter.tokenizer)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"{len(linter.ruleset.rules)} rules, {count} examples: "
          f"{count - len(failures)} passed, {len(failures)} failed")
    return EXIT_FINDINGS if failures else EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    linter = _linter(args)
    for corpus in args.corpus:
        result = evaluate(linter, Path(corpus), args.min_severity)
        print(render_evaluation(result, corpus, args.show))
    return EXIT_OK


COMMANDS = {"scan": _cmd_scan, "rules": _cmd_rules, "explain": _cmd_explain, "test-rules": _cmd_test_rules,
            "eval": _cmd_eval}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_ERROR
        return COMMANDS[args.command](args)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    except CollectlintError as exc:
        for line in str(exc).splitlines():
            print(f"collectlint: {line}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("collectlint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`); not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
