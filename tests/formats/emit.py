#!/usr/bin/python3
"""Rewrites YAML files the way standard emitters write them, for the round-trip test.

Usage: emit.py VARIANT OUT_DIR IN_DIR FILE...
Reads each IN_DIR/FILE with PyYAML (Debian's python3-yaml), writes it again
with the emitter settings VARIANT names to OUT_DIR/FILE (subdirectories are
created). What a file means must not change: input_formats_test.cpp loads
the original and every rewrite and compares the loaded values.
"""
import json
import os
import sys

import yaml


def pyyaml(**settings):
    return lambda data: yaml.safe_dump(data, **settings)


def as_json(**settings):
    return lambda data: json.dumps(data, default=str, **settings)  # dates as "yyyy-mm-dd"


VARIANTS = {
    # PyYAML's defaults: block style, keys sorted, long strings folded at 80.
    "pyyaml-default": pyyaml(),
    "pyyaml-flow": pyyaml(default_flow_style=True),
    "pyyaml-flow-narrow": pyyaml(default_flow_style=True, width=20),
    "pyyaml-block-narrow": pyyaml(default_flow_style=False, width=16, indent=4, sort_keys=False,
                                  explicit_start=True, explicit_end=True),
    "pyyaml-unicode": pyyaml(allow_unicode=True, width=30, sort_keys=False),
    # Every scalar in one style; non-strings then carry a tag (!!int "16").
    "pyyaml-double-quoted": pyyaml(default_style='"', width=40),
    "pyyaml-single-quoted": pyyaml(default_style="'", width=40),
    "pyyaml-literal": pyyaml(default_style="|"),
    "pyyaml-folded": pyyaml(default_style=">"),
    "json-indented": as_json(indent=2, ensure_ascii=False),
    "json-compact": as_json(separators=(",", ":")),
    "json-tabs": as_json(indent="\t"),
}


def main(argv):
    if len(argv) < 5 or argv[1] not in VARIANTS:
        sys.exit("usage: emit.py VARIANT OUT_DIR IN_DIR FILE...; VARIANT one of " + ", ".join(VARIANTS))
    emit, out_dir, in_dir = VARIANTS[argv[1]], argv[2], argv[3]
    for name in argv[4:]:
        with open(os.path.join(in_dir, name), encoding="utf-8") as f:
            data = yaml.safe_load(f)
        path = os.path.join(out_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(emit(data))


if __name__ == "__main__":
    main(sys.argv)
