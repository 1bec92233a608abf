"""Write src/collectlint/rules/literal_frequency.tsv: how often each literal of the shipped
rule pack occurs in collection speech.

    python bench/literal_frequency.py

The share of the collector sentences of corpora/labelled/dev.jsonl (calls: the
collector's turns, the first sentence of each with its speaker label; messages: the
whole text) that contain each literal the rules'
conditions name, after normalization. The prefilter triggers a rule on its rarest literal
group, and each alternative of a big pattern on its rarest condition, by this table
(collectlint.rules.literals.selectivity); longer literals rarer than the length-based
share assumed for unlisted ones are left out. Run it again after adding many rules: a literal
the table lacks only falls back to that assumption, results never change, only speed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import ahocorasick_rs

ROOT = Path(__file__).resolve().parents[1]
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def pack_literals(linter) -> list[str]:
    """Every literal a rule's trigger or conditions name."""
    literals: set[str] = set()
    for rule in linter.ruleset.rules:
        matcher = rule.matcher
        if matcher is None:
            continue
        for group in matcher.literals:
            literals |= group
        condition_literals = getattr(matcher, "condition_literals", None)  # regex rules
        if condition_literals is not None:
            literals |= condition_literals()
    return sorted(lit for lit in literals if "\t" not in lit and "\n" not in lit)


def collector_sentences(linter, path: Path) -> list[str]:
    from collectlint.text.normalize import normalize

    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        document = linter.reader.from_text(record["text"], channel=record["channel"])
        text = document.text
        for utterance in document.utterances:
            if utterance.speaker != "collector":
                continue
            # The turn's first sentence with what precedes it on its line (a time stamp,
            # the label 坐席： or 催收员：): the document pass searches labels too, and a
            # literal inside one (坐, 催收) is found at every turn.
            line_start = text.rfind("\n", 0, utterance.start) + 1
            label = text[line_start:utterance.start]
            for k, sentence in enumerate(SENTENCE_END.split(utterance.text)):
                if k == 0:
                    sentence = label + sentence
                if sentence.strip():
                    sentences.append(normalize(sentence).text)
    return sentences


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from collectlint import Linter
    from collectlint.rules.literals import FREQUENCY_FILE, UNMEASURED, UNMEASURED_LONGER

    linter = Linter()
    literals = pack_literals(linter)
    sentences = collector_sentences(linter, ROOT / "corpora" / "labelled" / "dev.jsonl")
    finder = ahocorasick_rs.AhoCorasick(literals, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
    counts = [0] * len(literals)
    for sentence in sentences:
        for i in {i for i, _, _ in finder.find_matches_as_indexes(sentence, overlapping=True)}:
            counts[i] += 1
    kept = []
    for literal, count in zip(literals, counts):
        # Compared as written: a share just above the threshold can round down onto it.
        share = round(count / len(sentences), 5)
        # Single characters are all kept, the rare ones too: `collectlint test-rules`
        # takes a single character the table does not know for a weak trigger.
        if len(literal) == 1 or share > UNMEASURED.get(len(literal), UNMEASURED_LONGER):
            kept.append((literal, share))
    header = (f"# share of {len(sentences)} collector sentences of corpora/labelled/dev.jsonl "
              f"containing each literal; written by bench/literal_frequency.py\n")
    FREQUENCY_FILE.write_text(header + "".join(f"{lit}\t{share:.5f}\n" for lit, share in kept),
                              encoding="utf-8")
    print(f"{len(kept)} of {len(literals)} literals over {len(sentences)} sentences -> "
          f"{FREQUENCY_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
