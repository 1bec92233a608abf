"""Where the time of a scan goes, by stage, on the benchmark's corpus.

    python bench/profile.py            # 2 % candidate sentences
    python bench/profile.py 0.10       # another candidate rate

CPU time over 1 M characters after one warm-up pass: normalization, the prefilter pass
(literals and spelling variants), choosing the rules to run on each candidate utterance
(Prefilter.select), jieba on candidate windows, the rule matchers, everything else the
engine does with the candidate utterances (grouping hits, exceptions, offsets), building
the results; then the rules whose matchers took longest. Stages are timed by wrapping the
functions that do them, so the figures add a little overhead of their own.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import build_corpus, sentence_pools  # noqa: E402


def candidate_rate(args: list[str]) -> float:
    """The rate given as a fraction (0.10); `2` would be 200 %, which is no rate."""
    usage = "profile.py: the candidate rate is a fraction between 0 and 1 (0.10 for 10 %)"
    try:
        rate = float(args[0]) if args else 0.02
    except ValueError:
        sys.exit(f"{usage}, not {args[0]!r}")
    if not 0 < rate <= 1:
        sys.exit(f"{usage}, not {args[0]}")
    return rate


def main() -> None:
    import jieba

    from collectlint import Linter
    from collectlint.text import tokenize
    from collectlint.text.normalize import normalize

    rate = candidate_rate(sys.argv[1:])
    linter = Linter()
    candidates, neutral = sentence_pools(linter)
    docs = build_corpus(candidates, neutral, rate, 1_000_000, seed=int(rate * 100))
    documents = [linter.reader.from_text(d["text"], id=d["id"], channel=d["channel"]) for d in docs]
    texts = [d.text for d in documents]
    jieba.initialize()
    for d in documents:  # warm-up: patterns compile on first use
        linter.scan_document(d)

    spent: dict[str, float] = defaultdict(float)
    original_tokenize = tokenize.Tokenizer.tokenize

    def timed_tokenize(self, text, offset=0):
        start = time.process_time()
        try:
            return original_tokenize(self, text, offset)
        finally:
            spent["jieba on candidate windows"] += time.process_time() - start

    tokenize.Tokenizer.tokenize = timed_tokenize  # type: ignore[method-assign]
    per_rule: dict[str, float] = defaultdict(float)
    for rule in linter.ruleset.rules:
        if rule.matcher is None:
            continue
        for method in ("find", "find_alternatives"):
            found = getattr(rule.matcher, method, None)
            if found is None:
                continue

            def timed(*args, found=found, rule_id=rule.id):
                start = time.process_time()
                try:
                    return found(*args)
                finally:
                    per_rule[rule_id] += time.process_time() - start

            setattr(rule.matcher, method, timed)

    prefilter = linter.ruleset.prefilter
    select = prefilter.select

    def timed_select(*args):
        start = time.process_time()
        try:
            return select(*args)
        finally:
            spent["choosing the rules to run"] += time.process_time() - start

    prefilter.select = timed_select  # type: ignore[method-assign]

    def clock(fn) -> float:
        # A full collection triggered by what earlier stages allocated would land in this one.
        gc.collect()
        start = time.process_time()
        fn()
        return time.process_time() - start

    t_jieba = clock(lambda: [jieba.lcut(t) for t in texts])
    spent["normalization"] = clock(lambda: [normalize(t) for t in texts])
    norms = [normalize(t) for t in texts]
    spent["prefilter pass"] = clock(lambda: [linter.ruleset.prefilter.prepare(n) for n in norms])
    matches: list = []
    t_match = clock(lambda: matches.extend(linter.match_document(d) for d in documents))
    spent["building results"] = clock(lambda: [linter.result(d, m) for d, m in zip(documents, matches)])
    in_rules = sum(per_rule.values())
    rest = t_match - spent["normalization"] - spent["prefilter pass"] - spent["jieba on candidate windows"]
    spent["rule matchers (jieba excluded)"] = in_rules - spent["jieba on candidate windows"]
    spent["other engine work"] = rest - spent["rule matchers (jieba excluded)"] - spent["choosing the rules to run"]
    total = t_match + spent["building results"]
    print(f"{rate:.0%} candidate sentences, {sum(map(len, texts)):,} characters: collectlint "
          f"{total:.2f} s, jieba.lcut {t_jieba:.2f} s ({t_jieba / total:.1f}x), CPU time")
    for stage in ("normalization", "prefilter pass", "choosing the rules to run", "jieba on candidate windows",
                  "rule matchers (jieba excluded)", "other engine work", "building results"):
        print(f"  {stage:32s} {spent[stage]:6.3f} s  {spent[stage] / total:5.1%}")
    print("slowest rule matchers (jieba included):")
    for rule_id, seconds in sorted(per_rule.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {rule_id:8s} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
