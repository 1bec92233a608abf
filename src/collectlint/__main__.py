from collectlint.cli import run

raise SystemExit(run())
