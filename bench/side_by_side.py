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
    args = parser.parse_args(argv)
    if args.json:
        check_output_path(parser, "--json", args.json)

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
            result["cases"].append(entry)
    except Failure as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_FAIL
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
