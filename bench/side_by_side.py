#!/usr/bin/python3
"""Time PyTorch (float64, full batch) on the two benchmark cases of gradaudit's issue, optionally beside our CLI.

Cases (data: torch.manual_seed(1), N x 2 standard normals in float64, label x2 > 0.5, targets
of shape (N, 1)):
  article  the article's replayed experiment: nn.Linear(2, 1) + sigmoid, weight 0.01, bias 0,
           BCELoss, SGD(lr=0.01), 1000 epochs;
  net      a 2-8-8-1 sigmoid network (nn.Linear's default init after torch.manual_seed(1)),
           BCELoss, SGD(lr=0.01), 300 epochs.
Each run builds a fresh model and optimizer and times the training loop alone with
time.perf_counter, the loop a user writes (and the article's code runs):
  outputs = model(X); loss = crit(outputs, Y); optimizer.zero_grad(); loss.backward();
  optimizer.step(); loss.item()
The median of --runs runs (default 5) is reported with torch.set_num_threads(1), with the
default thread count of this process (torch.get_num_threads() at start), and with
os.cpu_count() threads when that is yet another value.

--ours PATH also runs our CLI --runs times per case and reads "train_seconds" from its JSON:
  PATH train --layers 2,1 --activation sigmoid --loss bce --init-weight constant:0.01
       --init-bias zeros --epochs 1000 --lr 0.01 --seed 1 --json T.json
  PATH train --layers 2,8,8,1 --activation sigmoid --loss bce --init-weight torch
       --init-bias torch --epochs 300 --lr 0.01 --seed 1 --json T.json
and prints the ratio of the medians torch / ours per case and torch thread setting. A missing
or failing binary is reported and torch's times are still reported (exit 0).

--unit-costs UNITS.json (Google Benchmark's JSON of gradaudit_unit_costs, run just before in
the same session) also prints each run as a fraction of a lower bound on our epoch:
  bound (1 core) = exps x (ns per value of the 1-ULP kernels' exp_fast on the vector lanes,
                          the exp the trainer's sigmoid and loss rows start from)
                 + logs x (ns per value of their log1p on the lanes, the loss row's log)
                 + multiply-adds / (the core's peak multiply-adds per ns: the smaller of the
                   measured vector multiply and vector add rates on the widest vectors the CPU
                   has, mul/peak_widest (AVX-512 or AVX2), else Eigen's packets, mul/peak; as
                   without FMA a multiply-add is one of each, on separate pipes),
with the operations counted as the trainer performs them (epoch_counts below), and over t
threads bound / t. --exp-ns, --log-ns, --madds-per-ns give or override the unit costs by hand.
Beside it, what the bound leaves out: the divisions (one per hidden unit, one per output), and a model
of the epoch from the trainer's own row kernels (sigmoid with sigmoid', BCE rows, z += w.a, dot),
each row of gradaudit_unit_costs times its count.

Output: text on stdout; with --json OUT, everything as JSON (atomically).
Exit status: 0 done; 1 a torch run failed (non-finite loss) or --json could not be written;
2 bad usage.

Run with /usr/bin/python3 (Debian's python3-torch).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "regression", "torch"))
from train_torch import check_output_path, positive_int, positive_float, torch_build_info, write_json_atomic  # noqa: E402

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
PROG = "side_by_side.py"


class Failure(Exception):
    pass


def other_runnable(samples=10, interval=0.05):
    """Max over a short sampling of the runnable tasks of the system besides this one
    (/proc/loadavg's 4th field); None where /proc/loadavg is missing."""
    worst = None
    for _ in range(samples):
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                running = int(f.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return None
        worst = max(worst or 0, running - 1)
        time.sleep(interval)
    return worst


def benchmark_rates(path):
    """{row name: items per second} of a Google Benchmark JSON file (the median aggregate where
    there are repetitions, else the mean of the rows), and {row name: counters}."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        rows = doc["benchmarks"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise Failure(f"--unit-costs: cannot read '{path}': {e}") from None
    medians, plain, counters = {}, {}, {}
    for r in rows:
        name = r.get("run_name", r.get("name"))
        if "items_per_second" not in r:
            continue
        if r.get("run_type") == "aggregate":
            if r.get("aggregate_name") == "median":  # not mean, stddev, cv (whose counters are spreads)
                medians[name] = r["items_per_second"]
                counters[name] = r
        else:
            counters.setdefault(name, r)
            plain.setdefault(name, []).append(r["items_per_second"])
    rates = {k: statistics.mean(v) for k, v in plain.items()}
    rates.update(medians)
    return rates, counters


# gradaudit_unit_costs rows: the bound's terms, then the trainer's row kernels.
UNIT_ROWS = {"exp_ns": "exp/fast_lanes", "log_ns": "log/fast_lanes", "div_ns": "div/eigen_packet",
             "sigmoid_row_ns": "sigmoid_row/trainer", "bce_rows_ns": "bce_logit_rows/trainer",
             "axpy_ns": "axpy_row/trainer", "dot_ns": "dot_row/trainer"}


def unit_costs(args):
    """ns per value of each UNIT_ROWS entry, madds_per_ns, clock_ghz and lanes, from
    --unit-costs and the hand-given options (which win); None when neither is given."""
    units = {}
    if args.unit_costs:
        rates, counters = benchmark_rates(args.unit_costs)
        for key, row in UNIT_ROWS.items():
            if rates.get(row):
                units[key] = 1e9 / rates[row]
        # The core's peak: the widest vectors measured (mul/peak_widest where the CPU has AVX2
        # or AVX-512), else Eigen's packets; no FMA: a multiply and an add, on their own pipes.
        peak = "peak_widest" if rates.get("mul/peak_widest") and rates.get("add/peak_widest") else "peak"
        if rates.get(f"mul/{peak}") and rates.get(f"add/{peak}"):
            units["madds_per_ns"] = min(rates[f"mul/{peak}"], rates[f"add/{peak}"]) / 1e9
        if rates.get("clock/dependent_add"):
            units["clock_ghz"] = rates["clock/dependent_add"] / 1e9
        lanes = counters.get(f"mul/{peak}", {}).get("lanes")
        if isinstance(lanes, (int, float)) and lanes >= 1:
            units["lanes"] = int(lanes)
    for key in ("exp_ns", "log_ns", "madds_per_ns"):
        if getattr(args, key) is not None:
            units[key] = getattr(args, key)
    if args.lanes is not None:
        units["lanes"] = args.lanes
    if not units:
        return None
    missing = [k for k in ("exp_ns", "log_ns", "madds_per_ns") if k not in units]
    if missing:
        raise Failure(f"the bound needs {', '.join(missing)}: pass --unit-costs (gradaudit_unit_costs' JSON "
                      f"with those rows) or --exp-ns / --log-ns / --madds-per-ns")
    units.setdefault("lanes", 2)  # without a measured peak: the portable build's SSE2 packet
    return units


def epoch_counts(widths, samples, lanes, chunk=1024):
    """Operations of one training step (full batch, BCE on a sigmoid output, sigmoid hidden
    layers) as the trainer performs them (lib/include/gradaudit/detail/chunk_sums.hpp and
    network_kernels.hpp). Per chunk of m <= chunk samples, over its padded width p = 8*ceil(m/8):
      forward: per layer, out*in multiply-adds (z += w*a, one row per unit) per column; each
        hidden unit's sigmoid and sigmoid' from one exp and one division, q = 1/(1 + e)
        (activation_rows: sigmoid_pair, the 1-ULP kernels on the vector lanes); the output
        layer's sigmoid is not computed;
      loss and dL/dz (bce_logit_rows, per output unit over m samples): 1 exp, 1 log (log1p)
        and 1 division per sample (the 1-ULP kernels on the lanes);
      backward: per layer, out*in multiply-adds for dL/dW (dot products), out adds for dL/db,
        and for layers above the first out*in multiply-adds to propagate dL/dz down, then the
        product by the forward's sigmoid' (one multiply per hidden unit, counted as a
        multiply-add);
      update: one multiply-add per parameter per step (not per sample).
    `lanes` (the multiply-adds' packet width) does not enter the counts.
    Returns per epoch: exps, logs, divs, madds, and the values through each row kernel."""
    del lanes
    pairs = list(zip(widths, widths[1:]))
    macs = sum(a * b for a, b in pairs)              # forward, and again the weight gradient
    prop = sum(a * b for a, b in pairs[1:])          # propagation to the layers below
    hidden = sum(widths[1:-1])
    k = widths[-1]
    c = {"exps": 0, "logs": 0, "divs": 0, "madds": 0, "sigmoid_row": 0, "bce_rows": 0, "axpy": 0,
         "dot": 0}
    for begin in range(0, samples, chunk):
        m = min(chunk, samples - begin)
        p = (m + 7) // 8 * 8
        c["sigmoid_row"] += hidden * p
        c["bce_rows"] += k * m
        c["axpy"] += (macs + prop) * p
        c["dot"] += macs * p
        c["exps"] += hidden * p + k * m
        c["divs"] += hidden * p + k * m
        c["logs"] += k * m
        c["madds"] += (2 * macs + prop + hidden) * p
    c["madds"] += sum(a * b + b for a, b in pairs)  # the update
    return c


def epoch_bound(case, samples, units):
    """The bound's terms and total (ns per epoch, one core), the divisions it leaves out, and
    the model of the epoch from the trainer's row kernels (None without their rows)."""
    n = epoch_counts(case["widths"], samples, units["lanes"])
    terms = {"exp": n["exps"] * units["exp_ns"], "log": n["logs"] * units["log_ns"],
             "madd": n["madds"] / units["madds_per_ns"]}
    out = {"counts": n, "terms_ns": terms, "bound_ns": sum(terms.values())}
    if "div_ns" in units:
        out["divisions_ns"] = n["divs"] * units["div_ns"]
    kernels = {"sigmoid_row": "sigmoid_row_ns", "bce_rows": "bce_rows_ns", "axpy": "axpy_ns",
               "dot": "dot_ns"}
    if all(v in units for v in kernels.values()):
        out["model_ns"] = {k: n[k] * units[v] for k, v in kernels.items()}
    return out


def bound_lines(case, samples, units, b):
    """The bound's arithmetic, per sample and per epoch, as text."""
    n, t, s = b["counts"], b["terms_ns"], samples
    peak = f"{units['madds_per_ns']:.2f} madd/ns"
    if "clock_ghz" in units:
        peak += (f" (measured; {units['lanes']} lanes x {units['madds_per_ns'] / units['clock_ghz'] / units['lanes']:.2f}"
                 f" madd packets/cycle x {units['clock_ghz']:.2f} GHz)")
    lines = [f"  bound, 1 core: {n['exps'] / s:.3f} exp x {units['exp_ns']:.3f} ns + {n['logs'] / s:.4f} log x "
             f"{units['log_ns']:.3f} ns + {n['madds'] / s:.1f} madd / {peak} per sample"
             f" = {b['bound_ns'] / s:.2f} ns/sample = {b['bound_ns'] / 1e3:.1f} us/epoch"
             f" (exp {t['exp'] / 1e3:.1f} + log {t['log'] / 1e3:.1f} + madd {t['madd'] / 1e3:.1f})"]
    if "divisions_ns" in b:
        lines.append(f"  not in the bound: {n['divs'] / s:.3f} divisions/sample x {units['div_ns']:.3f} ns"
                     f" = {b['divisions_ns'] / 1e3:.1f} us/epoch")
    if "model_ns" in b:
        m = b["model_ns"]
        lines.append("  the trainer's row kernels x their counts, 1 core: "
                     + " + ".join(f"{k} {v / 1e3:.1f}" for k, v in m.items())
                     + f" = {sum(m.values()) / 1e3:.1f} us/epoch")
    return lines


def fraction_line(who, seconds, epochs, threads, bound_ns):
    """'who X us/epoch = F x the bound B us/epoch' with the bound over `threads` cores."""
    per_epoch = 1e6 * seconds / epochs
    b = bound_ns / 1e3 / max(threads, 1)
    return (f"  {who} {per_epoch:.1f} us/epoch = {per_epoch / b:.2f} x the bound {b:.1f} us/epoch"
            + (f" (1-core bound / {threads} threads)" if threads > 1 else ""))


def bound_entry(case, samples, units, entry):
    """Adds the bound to entry (JSON) and returns its lines: the arithmetic, then each run as a
    fraction of the bound over its thread count."""
    b = epoch_bound(case, samples, units)
    entry["bound"] = b
    lines = bound_lines(case, samples, units, b)
    ours = entry.get("ours", {})
    if "median" in ours:
        t = ours["threads"] if isinstance(ours["threads"], int) else 1
        lines.append(fraction_line(f"ours ({t} thread{'s' if t != 1 else ''}) ", ours["median"], case["epochs"], t,
                                   b["bound_ns"]))
    for r in entry["torch"]:
        lines.append(fraction_line(f"torch, threads {r['threads']:14s}", r["median"], case["epochs"],
                                   r["num_threads"], b["bound_ns"]))
    return lines


def cases(epochs_article, epochs_net):
    return [
        {"name": "article", "title": "article: Linear(2,1)+sigmoid, BCELoss, SGD lr 0.01",
         "widths": [2, 1], "init": "constant", "epochs": epochs_article, "lr": 0.01,
         "ours_args": ["--layers", "2,1", "--activation", "sigmoid", "--loss", "bce",
                       "--init-weight", "constant:0.01", "--init-bias", "zeros",
                       "--epochs", str(epochs_article), "--lr", "0.01", "--seed", "1"]},
        {"name": "net", "title": "net: 2-8-8-1 sigmoid, BCELoss, SGD lr 0.01",
         "widths": [2, 8, 8, 1], "init": "torch", "epochs": epochs_net, "lr": 0.01,
         "ours_args": ["--layers", "2,8,8,1", "--activation", "sigmoid", "--loss", "bce",
                       "--init-weight", "torch", "--init-bias", "torch",
                       "--epochs", str(epochs_net), "--lr", "0.01", "--seed", "1"]},
    ]


def torch_run(torch, X, Y, case):
    """(seconds of the training loop, final loss) of one fresh run."""
    import torch.nn as nn
    import torch.optim as optim
    torch.manual_seed(1)
    mods = []
    for a, b in zip(case["widths"], case["widths"][1:]):
        lin = nn.Linear(a, b).double()
        if case["init"] == "constant":
            with torch.no_grad():
                lin.weight.fill_(0.01)
                lin.bias.zero_()
        mods += [lin, nn.Sigmoid()]
    model = nn.Sequential(*mods)
    criterion = nn.BCELoss()
    optimizer = optim.SGD(model.parameters(), lr=case["lr"])
    losses = []
    t0 = time.perf_counter()
    for epoch in range(case["epochs"]):
        outputs = model(X)
        loss = criterion(outputs, Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - t0
    if not all(math.isfinite(v) for v in losses):
        raise Failure(f"case {case['name']}: a non-finite loss")
    return seconds, losses[-1] if losses else None


def ours_runs(binary, case, runs, samples, timeout):
    """{"seconds": [...], "final_loss"} or {"error": "..."}."""
    if not os.path.isfile(binary):
        return {"error": f"--ours: '{binary}' does not exist"}
    if not os.access(binary, os.X_OK):
        return {"error": f"--ours: '{binary}' is not executable"}
    secs, final, threads = [], None, "?"
    with tempfile.TemporaryDirectory(prefix="side_by_side.") as tmp:
        out = os.path.join(tmp, "T.json")
        cmd = [binary, "train"] + case["ours_args"] + ["--json", out]
        if samples != 10000:
            cmd[2:2] = ["--samples", str(samples)]
        for k in range(runs):
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return {"error": f"run {k + 1} timed out after {timeout} s", "command": cmd, "seconds": secs}
            except OSError as e:
                return {"error": f"cannot run '{binary}': {e.strerror}", "command": cmd}
            if p.returncode != 0:
                tail = ((p.stderr or "") + (p.stdout or "")).strip().splitlines()[-3:]
                return {"error": f"run {k + 1} exited with status {p.returncode}: "
                                 f"{' | '.join(tail) if tail else '(no output)'}",
                        "command": cmd, "seconds": secs}
            try:
                with open(out, encoding="utf-8") as f:
                    doc = json.load(f)
                s = float(doc["train_seconds"])
                final = doc.get("final_loss")
                threads = doc.get("threads", "?")
            except (OSError, ValueError, KeyError, TypeError) as e:
                return {"error": f"run {k + 1}: cannot read train_seconds from its JSON: {e}", "command": cmd,
                        "seconds": secs}
            secs.append(s)
    return {"command": cmd, "seconds": secs, "median": statistics.median(secs), "final_loss": final,
            "threads": threads}


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON (atomically)")
    parser.add_argument("--ours", metavar="PATH_TO_GRADAUDIT_BINARY", help="also time our CLI")
    parser.add_argument("--runs", type=positive_int, default=5, help="runs per setting (default 5)")
    parser.add_argument("--samples", type=positive_int, default=10000, help="samples (default 10000)")
    parser.add_argument("--epochs-article", type=positive_int, default=1000, help="default 1000")
    parser.add_argument("--epochs-net", type=positive_int, default=300, help="default 300")
    parser.add_argument("--timeout", type=positive_float, default=120.0, help="seconds per CLI run (default 120)")
    parser.add_argument("--unit-costs", metavar="UNITS_JSON",
                        help="gradaudit_unit_costs --benchmark_out=UNITS_JSON --benchmark_out_format=json: "
                             "print each run as a fraction of its bound")
    parser.add_argument("--exp-ns", type=positive_float, help="ns per exp (overrides --unit-costs)")
    parser.add_argument("--log-ns", type=positive_float, help="ns per log (overrides --unit-costs)")
    parser.add_argument("--madds-per-ns", type=positive_float,
                        help="peak multiply-adds per ns of one core (overrides --unit-costs)")
    parser.add_argument("--lanes", type=positive_int, help="doubles per packet of the build (default: from "
                        "--unit-costs, else 2, SSE2)")
    args = parser.parse_args(argv)
    if args.json:
        check_output_path(parser, "--json", args.json)
    try:
        units = unit_costs(args)
    except Failure as e:
        parser.error(str(e))

    import torch

    default_threads = torch.get_num_threads()
    settings = [("1", 1)]
    if default_threads != 1:
        settings.append((f"default ({default_threads})", default_threads))
    else:
        settings[0] = ("1 = default", 1)
    cpus = os.cpu_count() or 1
    if cpus not in (1, default_threads):
        settings.append((f"cpu_count ({cpus})", cpus))

    torch.manual_seed(1)
    X = torch.randn(args.samples, 2, dtype=torch.float64)
    Y = (X[:, 1] > 0.5).double().unsqueeze(1)

    result = {"torch_version": torch.__version__, "python": sys.version.split()[0], "cpu_count": cpus,
              "default_threads": default_threads, "samples": args.samples, "runs": args.runs,
              "build": torch_build_info(torch), "loadavg_at_start": list(os.getloadavg()),
              "other_runnable_tasks_at_start": other_runnable(), "cases": []}
    busy = result["other_runnable_tasks_at_start"]
    build = result["build"]
    lines = [f"torch {torch.__version__} (BLAS_INFO={build.get('BLAS_INFO', '?')}, libblas "
             f"{build.get('libblas.so.3', '?')}), {cpus} CPUs, default threads {default_threads}; "
             f"{args.samples} samples, float64, median of {args.runs} runs of the training loop",
             f"load average at start {' '.join(f'{v:.2f}' for v in os.getloadavg())}, other runnable tasks "
             f"(max of 10 samples) {busy}"
             + (" -- the machine is busy: the timings (above all with 2 threads) are not reliable"
                if busy else "")]
    try:
        for case in cases(args.epochs_article, args.epochs_net):
            entry = {k: case[k] for k in ("name", "title", "widths", "epochs", "lr")}
            entry["torch"] = []
            lines.append(f"{case['title']}, {case['epochs']} epochs:")
            for label, n in settings:
                torch.set_num_threads(n)
                secs, final = [], None
                for _ in range(args.runs):
                    s, final = torch_run(torch, X, Y, case)
                    secs.append(s)
                med = statistics.median(secs)
                entry["torch"].append({"threads": label, "num_threads": torch.get_num_threads(), "seconds": secs,
                                       "median": med, "median_per_epoch": med / case["epochs"],
                                       "final_loss": final})
                lines.append(f"  torch, threads {label:14s} median {med:.4f} s ({1e6 * med / case['epochs']:.1f} us/epoch)"
                             f"  runs {' '.join(f'{s:.4f}' for s in secs)}  final loss {final:.6f}")
            torch.set_num_threads(default_threads)
            if args.ours:
                o = ours_runs(args.ours, case, args.runs, args.samples, args.timeout)
                entry["ours"] = o
                if "error" in o:
                    lines.append(f"  ours: not timed: {o['error']}")
                else:
                    lines.append(f"  ours ({o['threads']} thread{'s' if o['threads'] != 1 else ''})        median {o['median']:.4f} s "
                                 f"({1e6 * o['median'] / case['epochs']:.1f} us/epoch)  runs "
                                 f"{' '.join(f'{s:.4f}' for s in o['seconds'])}  final loss {o['final_loss']}")
                    ratios = {}
                    for t in entry["torch"]:
                        r = t["median"] / o["median"] if o["median"] > 0 else math.inf
                        ratios[t["threads"]] = r
                        lines.append(f"  ratio torch/ours, torch threads {t['threads']}: {r:.1f}")
                    entry["ratio_torch_over_ours"] = ratios
            if units:
                lines += bound_entry(case, args.samples, units, entry)
            result["cases"].append(entry)
    except Failure as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_FAIL
    if units:
        result["unit_costs"] = units
    result["loadavg_at_end"] = list(os.getloadavg())
    lines.append(f"load average at end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.ours is None:
        lines.append("(our CLI not timed: pass --ours PATH_TO_GRADAUDIT_BINARY)")

    for line in lines:
        print(line)
    if args.json:
        try:
            write_json_atomic(args.json, result, indent=1)
        except (OSError, ValueError) as e:
            print(f"{PROG}: --json: cannot write '{args.json}': {e}", file=sys.stderr)
            return EXIT_FAIL
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
