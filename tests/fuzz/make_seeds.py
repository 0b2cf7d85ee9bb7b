#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/TARGET/ (committed; rerun after
adding data or test files). Seeds come from the embedded data (data/), the
test inputs (tests/scenarios/cases, the temp files of tests/cli/cases) and
the first lines of the peer files in ../shared/data (openb, Gavel).

Usage: tests/fuzz/make_seeds.py   (from the repository root)
"""
import hashlib
import json
import os
import pathlib
import re
import shutil

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "tests" / "fuzz" / "corpus"

corpus = {}  # target -> {name: bytes}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    corpus.setdefault(target, {})[name] = data


def head(path, lines):
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def case_files():
    """(run line, file name, bytes) for every temp file of the CLI cases."""
    for case in sorted((ROOT / "tests" / "cli" / "cases").rglob("*.case")):
        text = case.read_bytes()
        run = re.search(rb"^run:(.*)$", text, re.M).group(1).decode("utf-8", "replace")
        for m in re.finditer(rb"^file: (\S+) <<(\S+)\n(.*?)^\2\n", text, re.M | re.S):
            yield case.stem, run, m.group(1).decode(), m.group(3)


def main():
    data = ROOT / "data"
    for p in sorted(data.glob("scenarios/*.yaml")) + sorted((ROOT / "tests/scenarios/cases").glob("*.yaml")):
        seed("scenario", p.stem, p.read_bytes())
    seed("catalog", "accelerators", (data / "accelerators.yaml").read_bytes())
    seed("models", "models", (data / "models.yaml").read_bytes())
    seed("perf", "perf", (data / "perf.yaml").read_bytes())
    for p in sorted(data.glob("policies/*.yaml")):
        seed("policy", p.stem, p.read_bytes())
    for p in sorted(data.glob("plans/*.yaml")):
        seed("plan", p.stem, p.read_bytes())
    # The data files as other emitters write them (flow style, JSON).
    for target in ("scenario", "catalog", "models", "perf", "policy", "plan"):
        for name, body in list(corpus[target].items())[:3]:
            tree = yaml.safe_load(body)
            seed(target, name + "-flow", yaml.safe_dump(tree, default_flow_style=True, width=60))
            seed(target, name + "-json", json.dumps(tree, default=str))
    seed("perf", "merge-keys", "efficiency:\n  - &e {stack: '*', phase: train, compute: 0.4, memory: 0.8, link: 0.7,"
         " source: s}\n  - {<<: *e, phase: prefill}\n  - <<: [{phase: decode}, *e]\n")
    seed("policy", "inline-base", "name: p\nbase: strict\nrules:\n  imported-cap: {fleet: 0.2, window: 30d}\n"
         "  cii-domestic-only: {sectors: [energy, finance], reason: 'the CII rule,\n    folded'}\ndomestic_target: 0.9\n")
    for stem, run, name, body in case_files():
        flag_target = {"--catalog": "catalog", "--models": "models", "--perf": "perf", "--measured": "measured",
                       "--throughputs": "measured", "--nodes": "openb", "--pods": "openb", "--trace": "gavel_trace"}
        target = None
        for flag, t in flag_target.items():
            if re.search(re.escape(flag) + r" @" + re.escape(name) + r"\b", run):
                target = t
        if target is None and re.search(r"\bcheck @" + re.escape(name), run):
            target = "scenario"
        if target:
            seed(target, stem + "-" + name, body)
    gavel = SHARED / "peers" / "gavel"
    for p in sorted((gavel / "traces" / "physical_cluster").glob("*.trace")):
        seed("gavel_trace", p.stem, p.read_bytes())
        # The same jobs in Gavel's msr layout with fractional arrival times.
        msr = []
        for line in p.read_text().splitlines():
            f = line.split("\t")
            msr.append("\t".join([f[0], f[1], f[3], f[4], f[5], f[9] + ".250000", f[6]]))
        seed("gavel_trace", p.stem + "-msr", "\n".join(msr) + "\n")
    table = json.loads((gavel / "simulation_throughputs.json").read_text())
    for worker, keys in table.items():
        small = {k: dict(list(v.items())[:3]) for k, v in list(keys.items())[:4]}
        seed("gavel_throughputs", worker, json.dumps({worker: small}, indent=1))
    traces = SHARED / "traces"
    for p in sorted(traces.glob("openb_*.csv")):
        seed("openb", p.stem, head(p, 30))
    for target, files in corpus.items():
        d = OUT / target
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for name, body in files.items():
            (d / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".seed")).write_bytes(body)
        print(f"{target}: {len(files)} seeds, {sum(map(len, files.values()))} bytes")


if __name__ == "__main__":
    main()
