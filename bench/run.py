"""collectlint benchmark: throughput against plain jieba, parallel speed-up, cold start,
peak memory. Every figure is a ratio of two measurements taken in the same run,
interleaved, so that the load of a shared machine affects both sides alike.

    python bench/run.py              # the standard run (a few minutes)
    python bench/run.py --quick      # smaller inputs, for a smoke test
    python bench/run.py --memory-mb 1024   # also the peak memory of a 1 GB JSONL batch
    python bench/run.py --batch-mb 40 400  # --jobs 2 vs --jobs 1 on batches of these sizes

The synthetic corpus is built from the sentences of corpora/labelled: "candidate"
sentences contain at least one literal of the rule pack's prefilter, "neutral" ones
none. Calls and SMS are assembled at a given fraction of candidate sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLIT = re.compile(r"(?<=[。！？!?；\n])")


def sentence_pools(linter) -> tuple[list[str], list[str]]:
    """Candidate and neutral collector sentences from the labelled corpus."""
    from collectlint.text.normalize import normalize

    candidates, neutral = set(), set()
    for name in ("dev.jsonl", "holdout.jsonl"):
        for line in (ROOT / "corpora" / "labelled" / name).read_text(encoding="utf-8").splitlines():
            for utterance in json.loads(line)["text"].split("\n"):
                body = re.sub(r"^(\[[\d:]+\]\s*)?[^：:]{1,4}[：:]", "", utterance)
                for sentence in SPLIT.split(body):
                    sentence = sentence.strip()
                    if len(sentence) < 4:
                        continue
                    _, hit = linter.ruleset.prefilter.prepare(normalize(sentence))
                    (candidates if hit else neutral).add(sentence)
    return sorted(candidates), sorted(neutral)


def build_corpus(candidates, neutral, rate: float, target_chars: int, seed: int) -> list[dict]:
    """Calls (20–60 turns) and SMS (1–3 sentences), half the characters each."""
    rng = random.Random(seed)
    docs, chars, n = [], 0, 0
    while chars < target_chars:
        call = n % 2 == 0
        turns = rng.randint(20, 60) if call else rng.randint(1, 3)
        lines = []
        for t in range(turns):
            sentence = rng.choice(candidates if rng.random() < rate else neutral)
            if call:
                speaker = "坐席" if t % 2 == 0 else "客户"
                lines.append(f"{speaker}：{sentence}")
            else:
                lines.append(sentence)
        text = "\n".join(lines) if call else "".join(lines)
        docs.append({"id": f"d{n}", "channel": "call" if call else "sms", "text": text})
        chars += len(text)
        n += 1
    return docs


def time_it(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_time_it(fn) -> float:
    """CPU time of this process: in-process, single-threaded work measured without the
    time a shared machine gives to other processes."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def throughput(linter, docs, reps: int) -> dict:
    """collectlint on parsed documents, and from text (parsing the transcript included),
    against jieba.lcut over the same texts; interleaved runs, medians of the ratios."""
    import jieba

    jieba.initialize()
    linter.scan("再不还钱就打断你的腿")  # load the private tokenizer before timing
    reader = linter.reader
    documents = [reader.from_text(d["text"], id=d["id"], channel=d["channel"]) for d in docs]
    texts = [d["text"] for d in docs]
    # One untimed pass: rules compile their patterns on first use, a cost a long scan
    # pays once (it is part of the cold-start figure below).
    for d in documents:
        linter.scan_document(d)

    def from_text(part: list[dict]) -> None:
        for d in part:
            linter.scan_document(reader.from_text(d["text"], id=d["id"], channel=d["channel"]))

    # Interleaved in slices of 500 documents (~150 kB), so that a change in the speed of a
    # shared machine falls on both sides of a ratio alike; much smaller slices would
    # measure collectlint with caches that jieba has just filled with its dictionary.
    slices = [slice(i, i + 500) for i in range(0, len(docs), 500)]
    scan_ratios, text_ratios, ours, theirs = [], [], [], []
    for _ in range(reps):
        t_jieba = t_ours = t_text = 0.0
        for part in slices:
            t_jieba += cpu_time_it(lambda: [jieba.lcut(t) for t in texts[part]])
            t_ours += cpu_time_it(lambda: [linter.scan_document(d) for d in documents[part]])
            t_text += cpu_time_it(lambda: from_text(docs[part]))
        scan_ratios.append(t_jieba / t_ours)
        text_ratios.append(t_jieba / t_text)
        ours.append(t_ours)
        theirs.append(t_jieba)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return {"ratio": statistics.median(scan_ratios), "text_ratio": statistics.median(text_ratios),
            "mb": mb, "ours_mb_s": mb / statistics.median(ours),
            "jieba_mb_s": mb / statistics.median(theirs)}


def as_installed() -> dict[str, str]:
    """The environment of a process started as pip installs collectlint, with its modules'
    bytecode compiled: with PYTHONDONTWRITEBYTECODE set (as on some build machines), a
    source checkout would be compiled again at every start of a scan."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def scan_command(path: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "collectlint", "scan", "--format", "jsonl", "--jobs", str(jobs),
            "--output", os.devnull, str(path)]


# Plain CPU work in Python, for the machine's own speed-up from a second process.
_BURN = "s = 0\nfor i in range({n}): s += i * i % 7"


def _burn(processes: int, units: int) -> float:
    """Wall time of `units` units of plain CPU work spread over `processes` processes."""
    code = _BURN.format(n=units // processes * 5_000_000)

    def run() -> None:
        started = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(processes)]
        for proc in started:
            proc.wait()

    return time_it(run)


def jobs_speedup(path: Path, reps: int) -> tuple[float, float, float, float]:
    """End to end, as a QA team runs it: `collectlint scan --jobs N` on a JSONL batch; and,
    interleaved with it, what a second process gains on this machine at best: the same
    plain CPU work in two processes against one (a shared machine's two cores often give
    less than 2x)."""
    one, two, burn_one, burn_two = [], [], [], []
    for _ in range(reps):
        one.append(time_it(lambda: subprocess.run(scan_command(path, 1), check=False, env=as_installed())))
        two.append(time_it(lambda: subprocess.run(scan_command(path, 2), check=False, env=as_installed())))
        burn_one.append(_burn(1, 4))
        burn_two.append(_burn(2, 4))
    ceiling = statistics.median(burn_one) / statistics.median(burn_two)
    return (statistics.median(one) / statistics.median(two), statistics.median(one),
            statistics.median(two), ceiling)


_REMINDER = "【某银行】尊敬的客户，您本期账单应还1280元，还款日为11月20日，请按时还款，如已还款请忽略。"


def cold_start(reps: int, folder: Path) -> tuple[float, float, float, float]:
    """A bank's bill reminder: no finding, but not free of candidates either (账单, 还款 are
    trigger literals of the no-sender and third-party rules), so the scan runs rules on it
    without loading jieba. Hardly any real message is free of all ~33,000 trigger literals.
    Scanned from Python (`scan_text`) and by the command (`collectlint scan FILE`): the
    command is a process that ends with the scan and need not have the collector walk
    what it loaded (see collectlint/gcpause.py); medians (API, command, jieba) and the ratio
    of the API's to jieba's."""
    ours = f"import collectlint; r = collectlint.scan_text('{_REMINDER}'); assert not r.findings"
    theirs = "import jieba; jieba.initialize()"
    message = folder / "reminder.txt"
    message.write_text(_REMINDER, encoding="utf-8")
    env = as_installed()  # both sides as installed by pip

    def run(*args: str) -> float:
        return time_it(lambda: subprocess.run([sys.executable, *args], check=True, env=env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    command = ("-m", "collectlint", "scan", str(message))
    run("-c", ours), run("-c", theirs), run(*command)  # warm caches (jieba: its cache file)
    a, b, c = [], [], []
    for _ in range(reps):
        b.append(run("-c", theirs))
        a.append(run("-c", ours))
        c.append(run(*command))
    api, cli, jieba = statistics.median(a), statistics.median(c), statistics.median(b)
    return api / jieba, api, cli, jieba


def peak_memory_mib(path: Path, jobs: int) -> float:
    """Peak resident memory of `collectlint scan`, started from a small intermediate
    process: Linux carries a forked process's high-water mark across exec, so a scan
    started straight from this (large) benchmark process would report this one's size.
    With worker processes, that of the largest process (Linux reports the largest
    descendant's high-water mark)."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *scan_command(path, jobs)],
                         capture_output=True, text=True, check=True, env=as_installed()).stdout
    return int(out.split()[-1]) / 1024  # Linux reports KiB


def write_jsonl(docs, path: Path, target_bytes: int | None = None) -> None:
    with path.open("w", encoding="utf-8") as fh:
        written, i = 0, 0
        while True:
            for d in docs:
                line = json.dumps({**d, "id": f"{d['id']}-{i}"}, ensure_ascii=False) + "\n"
                fh.write(line)
                written += len(line.encode())
                if target_bytes is None and d is docs[-1]:
                    return
                if target_bytes is not None and written >= target_bytes:
                    return
            i += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small inputs and few repetitions")
    ap.add_argument("--memory-mb", type=int, default=60, help="size of the JSONL batch for peak memory")
    ap.add_argument("--batch-mb", type=int, nargs="+", default=[40, 160],
                    help="sizes of the JSONL batches for --jobs 2 vs --jobs 1: each process pays "
                         "a fixed start (imports, rules, jieba, what the rules work out on first "
                         "use) and only the scan after it is shared out, so the gain grows with "
                         "the batch")
    args = ap.parse_args()
    from collectlint import Linter

    linter = Linter()
    candidates, neutral = sentence_pools(linter)
    size, reps = (300_000, 3) if args.quick else (2_000_000, 5)
    print(f"sentence pools: {len(candidates)} candidate, {len(neutral)} neutral")
    print(f"throughput, one process, collectlint vs jieba.lcut over the same text "
          f"(CPU time, median of {reps} interleaved runs):")
    for rate in (0.02, 0.10, 1.0):
        docs = build_corpus(candidates, neutral, rate, size, seed=int(rate * 100))
        r = throughput(linter, docs, reps)
        print(f"  {rate:>4.0%} candidate sentences, {r['mb']:.1f} MB: {r['ratio']:.1f}x jieba "
              f"(collectlint {r['ours_mb_s']:.1f} MB/s, jieba {r['jieba_mb_s']:.2f} MB/s); "
              f"from text, parsing included: {r['text_ratio']:.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        docs = build_corpus(candidates, neutral, 0.02, size // 10, seed=7)
        for batch_mb in ([5] if args.quick else args.batch_mb):
            batch = Path(tmp) / "batch.jsonl"
            write_jsonl(docs, batch, target_bytes=batch_mb * 1_000_000)
            speedup, t1, t2, ceiling = jobs_speedup(batch, 1 if args.quick else 3)
            mb = batch.stat().st_size / 1e6
            print(f"scan --jobs 2 vs --jobs 1 on {mb:.0f} MB JSONL: {speedup:.2f}x "
                  f"({mb / t1:.1f} MB/s vs {mb / t2:.1f} MB/s, end to end); "
                  f"plain CPU work in 2 processes vs 1 on this machine: {ceiling:.2f}x")
            batch.unlink()

        ratio, api, cli, jieba = cold_start(3 if args.quick else 7, Path(tmp))
        print(f"cold start, one lawful reminder SMS (no finding) vs import jieba + initialize: {ratio:.2f} "
              f"({api * 1000:.0f} ms vs {jieba * 1000:.0f} ms); by the command, `collectlint scan FILE`: "
              f"{cli / jieba:.2f} ({cli * 1000:.0f} ms)")

        big = Path(tmp) / "big.jsonl"
        write_jsonl(docs, big, target_bytes=(10 if args.quick else args.memory_mb) * 1_000_000)
        one, two = peak_memory_mib(big, 1), peak_memory_mib(big, 2)
        print(f"peak memory of {big.stat().st_size / 1e6:.0f} MB JSONL: "
              f"scan --jobs 1 {one:.0f} MiB, scan --jobs 2 {two:.0f} MiB (its largest process)")


if __name__ == "__main__":
    main()
