#!/usr/bin/env python3
"""The README's scaling figure, measured on this machine.

Runs the release build (build/release, `cmake --preset release && cmake
--build --preset release` first) and writes docs/scaling.svg and
docs/scaling.md (the figure's numbers as a table):

  1. `suanli simulate h200-window --scale K`, K = 5 .. 450 (10k .. 1M jobs,
     460 .. 41,400 nodes installed): wall time and peak memory (max RSS);
  2. the same 100-fold demand on fleets scaled 100 .. 30-fold: wall time
     against the longest queue the run saw (twice the demand at 45-fold);
  3. the scheduler benchmark (bench/sched_bench.cpp, BM_SchedulerThroughput):
     placements/s against the queue's length and the fleet's size, with the
     published figures of kube-scheduler, Slurm and HPC schedulers beside.

Usage: scripts/scaling.py [--quick]   (--quick: K up to 150, shorter bench)
Standard library only; the figure is plain SVG.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUANLI = os.path.join(ROOT, "build/release/src/suanli/cli/suanli")
BENCH = os.path.join(ROOT, "build/release/bench/suanli_bench_sched")
PEERS = [  # (label, decisions per second), as the peers publish them
    ("kube-scheduler: 400 pods/s on 5,000 nodes", 400),
    ("Slurm: a few hundred submissions/s", 300),
    ("fastest open HPC schedulers: ~100k decisions/s", 100_000),
]


def simulate(args):
    """Wall seconds, CPU seconds, peak MB and the run's JSON for one `suanli simulate`."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        start = time.monotonic()
        subprocess.run([SUANLI, "simulate", "h200-window", *args, "--json", out.name],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu0
        if peak <= before:
            print(f"warning: peak memory of {args} not above an earlier run's; raise K order", file=sys.stderr)
        return wall, cpu, peak / 1024.0, json.load(open(out.name))["runs"][0]


def bench(min_time):
    out = subprocess.run([BENCH, "--benchmark_filter=SchedulerThroughput", f"--benchmark_min_time={min_time}",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    rows = []
    for b in json.loads(out)["benchmarks"]:
        _, batch, pending, nodes = b["name"].split("/")
        rows.append({"nodes": int(nodes), "pending": b["pending"], "rate": b["placements/s"]})
    return rows


# --- a small SVG plotter: log-scaled axes, lines with labelled points ------

def human(v):
    """A point's label: 1.35 M, 742 k, 4.09."""
    if v >= 1e6: return f"{v / 1e6:.2f} M"
    if v >= 1e4: return f"{v / 1e3:.0f} k"
    return f"{v:,.3g}"


def panel(x0, y0, w, h, title, xlabel, ylabel, xs, ys_list, xlog=True, ylog=True, hlines=(), yzero=False):
    """yzero: a linear y axis from 0, so that ratios read true."""
    import math
    f = (lambda v: math.log10(v)) if xlog else (lambda v: v)
    g = (lambda v: math.log10(v)) if ylog else (lambda v: v)
    allx = [f(x) for x in xs]
    ally = [g(y) for ys, _, _ in ys_list for y in ys] + [g(v) for _, v in hlines]
    xmin, xmax = min(allx), max(allx)
    ymin, ymax = (0 if yzero else min(ally)), max(ally)
    if xmax == xmin: xmax += 1
    if ymax == ymin: ymax += 1
    if not yzero: ymin -= 0.08 * (ymax - ymin)
    ymax += 0.08 * (ymax - ymin)
    px = lambda v: x0 + 50 + (f(v) - xmin) / (xmax - xmin) * (w - 70)
    py = lambda v: y0 + h - 40 - (g(v) - ymin) / (ymax - ymin) * (h - 70)
    s = [f'<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-weight="bold">{title}</text>',
         f'<rect x="{x0 + 50}" y="{y0 + 30}" width="{w - 70}" height="{h - 70}" fill="none" stroke="#999"/>',
         f'<text x="{x0 + w / 2}" y="{y0 + h - 8}" text-anchor="middle">{xlabel}</text>',
         f'<text x="{x0 + 12}" y="{y0 + h / 2}" text-anchor="middle" transform="rotate(-90 {x0 + 12} {y0 + h / 2})">{ylabel}</text>']
    for label, v in hlines:
        s.append(f'<line x1="{x0 + 50}" x2="{x0 + w - 20}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#bbb" stroke-dasharray="4 3"/>')
        s.append(f'<text x="{x0 + 54}" y="{py(v) - 3:.1f}" font-size="10" fill="#777">{label}</text>')
    for ys, colour, name in ys_list:
        pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
        s.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in zip(xs, ys):
            s.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
            right = px(x) > x0 + w - 70  # near the right edge: the label goes to the left of the point
            anchor = ' text-anchor="end"' if right else ""
            s.append(f'<text x="{px(x) + (-4 if right else 4):.1f}" y="{py(y) - 5:.1f}" font-size="10"{anchor} fill="{colour}">{human(y)}</text>')
        s.append(f'<text x="{px(xs[-1]) - 4:.1f}" y="{py(ys[-1]) + 14:.1f}" font-size="11" text-anchor="end" fill="{colour}">{name}</text>')
    last = None
    for x in sorted(xs, reverse=True):  # the largest always; a label too close to the one on its right is left out
        if last is not None and last - px(x) < 40: continue
        s.append(f'<text x="{px(x):.1f}" y="{y0 + h - 26}" font-size="10" text-anchor="middle">{x:,.0f}</text>')
        last = px(x)
    return s


def main():
    quick = "--quick" in sys.argv
    ks = [5, 15, 45, 150] if quick else [5, 15, 45, 150, 450]
    size = []
    for k in ks:
        wall, cpu, mb, run = simulate(["--scale", str(k)])
        size.append({"k": k, "jobs": run["job_count"], "nodes": 92 * k, "wall": wall, "cpu": cpu, "mb": mb})
        print(f"x{k}: {run['job_count']:,} jobs, {92 * k:,} nodes: {wall:.2f} s, {mb:.0f} MB", file=sys.stderr)
    queue = []
    for f in [100, 70, 55, 45, 30]:
        wall, cpu, _, run = simulate(["--scale", "100", "--fleet-scale", str(f)])
        longest = max(smp["pending"] for smp in run["samples"])
        queue.append({"fleet": f, "pending": longest, "wall": wall, "cpu": cpu})
        print(f"x100 on fleet x{f}: queue up to {longest:,}: {wall:.2f} s", file=sys.stderr)
    rates = bench(0.3 if quick else 1.0)
    by_queue = sorted((r for r in rates if r["nodes"] == 10000), key=lambda r: r["pending"])
    by_nodes = sorted((r for r in rates if r["pending"] > 90000 or r["nodes"] != 10000), key=lambda r: r["nodes"])
    by_nodes = [r for r in by_nodes if r["nodes"] != 10000 or r["pending"] == max(q["pending"] for q in by_queue)]

    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="380" font-family="sans-serif" font-size="12">',
           '<rect width="1200" height="380" fill="white"/>']
    svg += panel(0, 0, 400, 380, "simulation: h200-window x5 .. x450", "jobs (nodes installed = jobs / 24)",
                 "seconds / MB", [r["jobs"] for r in size],
                 [([r["wall"] for r in size], "#c0392b", "wall s"), ([r["mb"] for r in size], "#2471a3", "peak MB")])
    svg += panel(400, 0, 400, 380, "x100 demand, smaller fleets", "longest queue (jobs pending)", "seconds",
                 [max(1, r["pending"]) for r in queue],
                 [([r["cpu"] for r in queue], "#7d3c98", "CPU s (one thread: = wall)")],
                 ylog=False, yzero=True)
    peers = [(label, v) for label, v in PEERS] + [("goal: 1 M placements/s with 100k pending", 1_000_000)]
    svg += panel(800, 0, 400, 380, "scheduler: placements/s", "jobs pending (10k nodes)", "placements per second",
                 [r["pending"] for r in by_queue], [([r["rate"] for r in by_queue], "#1e8449", "suanli")], hlines=peers)
    svg.append("</svg>")
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    open(os.path.join(ROOT, "docs/scaling.svg"), "w").write("\n".join(svg) + "\n")

    md = ["| h200-window | jobs | nodes installed | wall s | CPU s | peak MB |", "|---|---:|---:|---:|---:|---:|"]
    md += [f"| x{r['k']} | {r['jobs']:,} | {r['nodes']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['mb']:.0f} |"
           for r in size]
    md += ["", "| x100 demand on fleet | longest queue | wall s | CPU s | CPU vs uncontended |", "|---|---:|---:|---:|---:|"]
    md += [f"| x{r['fleet']} | {r['pending']:,} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['cpu'] / queue[0]['cpu']:.2f}x |"
           for r in queue]
    md += ["", "| scheduler bench: nodes | jobs pending | placements/s |", "|---:|---:|---:|"]
    md += [f"| {r['nodes']:,} | {r['pending']:,.0f} | {r['rate']:,.0f} |" for r in sorted(rates, key=lambda r: (r['nodes'], r['pending']))]
    md += ["", "Peers: " + "; ".join(label for label, _ in PEERS) + "."]
    open(os.path.join(ROOT, "docs/scaling.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
