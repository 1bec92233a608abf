"""argv → settings → api → formatter → exit code. The only module that prints or exits.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it;
2 usage, input or rule error (one line each on stderr) — also when any document
could not be read, after the whole report has been written; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from collectlint import __version__
from collectlint.advise import render as render_advice
from collectlint.api import Linter
from collectlint.config import PROFILES, Settings, find_config, load_settings
from collectlint.errors import CollectlintError, ConfigError
from collectlint.evaluate import evaluate
from collectlint.evaluate import render as render_evaluation
from collectlint.explain import explain_rule, rule_table
from collectlint.formatters import FORMATTERS
from collectlint.gcpause import keep_builds
from collectlint.models import SEVERITY_RANK, Stat, Summary
from collectlint.output import ReportOutput
from collectlint.parallel import Rendering, default_jobs, error_line
from collectlint.progress import Progress
from collectlint.rules.selftest import run_examples, weak_triggers

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
_SEVERITIES = ["info", "warning", "error"]
# Formats that are one file to open, never a stream on a terminal.
_NEEDS_OUTPUT = {"html"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other user error
        raise ConfigError(f"{self.prog}: {message}")


def _positive_int(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _window(value: str) -> tuple[str, str]:
    start, _, end = value.partition("-")
    try:
        Settings(quiet_hours=(start, end))
    except Exception:
        raise argparse.ArgumentTypeError(f"expected HH:MM-HH:MM, got {value!r}") from None
    return start, end


def _split_ids(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="collectlint", description=(
        "Compliance checker for Chinese debt-collection calls and messages."))
    parser.add_argument("--version", action="version", version=f"collectlint {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", metavar="FILE",
                       help="settings file (default: collectlint.toml or [tool.collectlint] in "
                            "pyproject.toml, in this folder or above)")
        p.add_argument("--rules", action="append", metavar="DIR",
                       help="extra rule directory (repeatable); the shipped pack is loaded too")
        p.add_argument("--no-builtin-rules", action="store_true", default=None,
                       help="do not load the shipped pack")

    def scanning(p: argparse.ArgumentParser) -> None:
        p.add_argument("--select", action="append", metavar="IDS",
                       help="only these rule ids, names or categories (comma separated)")
        p.add_argument("--ignore", action="append", metavar="IDS",
                       help="skip these rule ids, names or categories (comma separated)")
        p.add_argument("--profile", choices=sorted(PROFILES),
                       help="quiet hours: cn 22:00-08:00 (default), us 21:00-08:00")
        p.add_argument("--quiet-hours", type=_window, metavar="HH:MM-HH:MM",
                       help="local hours in which contact is flagged (overrides --profile)")

    scan = sub.add_parser("scan", help="scan files, directories or - (stdin)")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--format", choices=sorted(FORMATTERS))
    scan.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    common(scan)
    scanning(scan)
    scan.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                      help="worker processes for batches (default: all cores)")
    scan.add_argument("--exhaustive", action="store_true",
                      help="run every rule on every utterance without the prefilter (reference mode)")
    scan.add_argument("--fail-on", choices=_SEVERITIES,
                      help="lowest severity that makes the exit code 1 (default: warning)")
    scan.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    scan.add_argument("--redact", action="store_true", default=None,
                      help="mask phone, ID card and bank card numbers and e-mail addresses in the report")

    advise = sub.add_parser("advise", help="for a borrower: verdict, the law broken, what to do, a reply")
    advise.add_argument("paths", nargs="+", metavar="PATH", help="a message or transcript file, or -")
    common(advise)
    scanning(advise)

    rules = sub.add_parser("rules", help="list the rules")
    common(rules)

    explain = sub.add_parser("explain", help="show one rule: message, legal basis, examples, responses")
    explain.add_argument("rule_id")
    common(explain)

    test_rules = sub.add_parser("test-rules", help="run the examples embedded in rule files and check their triggers")
    test_rules.add_argument("dirs", nargs="*", metavar="DIR",
                            help="rule directories to test (default: the shipped pack)")

    ev = sub.add_parser("eval", help="precision and recall against a labelled JSONL corpus")
    ev.add_argument("corpus", nargs="+", metavar="CORPUS.jsonl")
    ev.add_argument("--min-severity", choices=_SEVERITIES, default="warning",
                    help="lowest severity that counts as flagging a document (default: warning)")
    ev.add_argument("--show", type=int, default=20, metavar="N",
                    help="list at most N false positives and N misses per corpus (default: 20)")
    common(ev)
    scanning(ev)
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings file's values, overridden by the flags that were given."""
    path = Path(args.config) if getattr(args, "config", None) else find_config(Path.cwd())
    if path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    settings = load_settings(path)
    flags = {
        "format": getattr(args, "format", None),
        "fail_on": getattr(args, "fail_on", None),
        "jobs": getattr(args, "jobs", None),
        "profile": getattr(args, "profile", None),
        "quiet_hours": getattr(args, "quiet_hours", None),
        "redact": getattr(args, "redact", None),
        "select": _split_ids(getattr(args, "select", None)),
        "ignore": _split_ids(getattr(args, "ignore", None)),
    }
    updates = {k: v for k, v in flags.items() if v is not None}
    if getattr(args, "no_builtin_rules", None):
        updates["builtin_rules"] = False
    if getattr(args, "rules", None):
        updates["rules"] = [*settings.rules, *(Path(r) for r in args.rules)]
    if "profile" in updates and "quiet_hours" not in updates:
        updates["quiet_hours"] = None  # a profile on the command line beats file quiet hours
    return settings.model_copy(update=updates)


def linter_for(settings: Settings, **kwargs) -> Linter:
    return Linter([str(p) for p in settings.rules] or None, builtin=settings.builtin_rules,
                  select=settings.select, ignore=settings.ignore, quiet_hours=settings.window,
                  speaker_labels=settings.speaker_labels, asr_roles=settings.asr_roles, **kwargs)


def _cmd_scan(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if settings.format not in FORMATTERS:
        raise ConfigError(f"unknown format {settings.format!r} (one of {', '.join(sorted(FORMATTERS))})")
    if settings.format in _NEEDS_OUTPUT and args.output is None:
        raise ConfigError(f"--format {settings.format} needs --output FILE")
    linter = linter_for(settings, exhaustive=args.exhaustive)
    colour = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    formatter = FORMATTERS[settings.format](colour=colour, rules=linter.ruleset)
    # Formats that render one document at a time are rendered by the worker processes.
    rendering = Rendering(settings.format if formatter.per_document else None, colour, settings.redact)
    summary = Summary()
    progress = Progress()
    with ReportOutput(args.output) as out:
        try:
            out.write(formatter.begin())
            items = linter.iter_items(args.paths, settings.jobs or default_jobs(), rendering)
            for n, item in enumerate(items):
                if n:
                    out.write(formatter.separator)
                if item.result is not None:
                    out.write(formatter.document(item.result))
                    stats: tuple[Stat, ...] = (Summary.stat_of(item.result),)
                    error = error_line(item.result)
                else:
                    out.write(item.rendered or "")
                    stats, error = item.stats, item.error
                if error is not None:
                    progress.clear()
                    print(f"collectlint: {error}", file=sys.stderr)
                for stat in stats:
                    summary.add_stat(stat)
                    progress.update(len(stat.findings))
            out.write(formatter.end(summary))
        finally:
            progress.close()
    if summary.documents_with_errors:
        return EXIT_ERROR
    if summary.worst >= SEVERITY_RANK[settings.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_advise(args: argparse.Namespace) -> int:
    linter = linter_for(settings_for(args))
    worst = -1
    failed = False
    results = list(linter.iter_paths(args.paths))
    for doc in results:
        if len(results) > 1:
            print(f"==== {doc.id} ====")
        print(render_advice(doc))
        failed |= doc.status == "error"
        worst = max([worst, *(SEVERITY_RANK[f.severity] for f in doc.findings)])
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if worst >= SEVERITY_RANK["warning"] else EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    sys.stdout.write(rule_table(linter_for(settings_for(args)).ruleset))
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    rule = linter_for(settings_for(args)).ruleset.get(args.rule_id)
    if rule is None:
        raise ConfigError(f"unknown rule {args.rule_id!r} (see `collectlint rules`)")
    sys.stdout.write(explain_rule(rule))
    return EXIT_OK


def _cmd_test_rules(args: argparse.Namespace) -> int:
    linter = Linter(args.dirs or None, builtin=not args.dirs)
    count, failures = run_examples(linter.ruleset, linter.tokenizer)
    for failure in failures:
        print(failure, file=sys.stderr)
    weak = weak_triggers(linter.ruleset)
    for line in weak:
        print(line, file=sys.stderr)
    print(f"{len(linter.ruleset.rules)} rules, {count} examples: "
          f"{count - len(failures)} passed, {len(failures)} failed"
          + (f"; {len(weak)} rules with weak triggers" if weak else ""))
    return EXIT_FINDINGS if failures or weak else EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    linter = linter_for(settings_for(args))
    for corpus in args.corpus:
        result = evaluate(linter, Path(corpus), args.min_severity)
        print(render_evaluation(result, corpus, args.show))
    return EXIT_OK


COMMANDS = {"scan": _cmd_scan, "advise": _cmd_advise, "rules": _cmd_rules, "explain": _cmd_explain,
            "test-rules": _cmd_test_rules, "eval": _cmd_eval}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_ERROR
        return COMMANDS[args.command](args)
    except CollectlintError as exc:
        for line in str(exc).splitlines():
            print(line if line.startswith("collectlint") else f"collectlint: {line}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("collectlint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`| head`); not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def run() -> int:
    """The command: main() in a process that ends with it (`collectlint`, `python -m
    collectlint`), where what is loaded and built once stays to the end (see gcpause)."""
    keep_builds()
    return main()
