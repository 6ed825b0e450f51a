#!/usr/bin/python3
"""Compare two training results in gradaudit's JSON format (ours and PyTorch's) within a relative tolerance.

Checks final_loss and every weight and bias of "layers": an entry passes when
|a - b| <= rtol * max(|a|, |b|) (so two zeros must be equal; -0.0 and 0.0 count as equal, a
NaN never passes). With --history the per-step losses are checked the same way.

Prints one line per layer (the largest relative difference and the entry where it occurs),
one for final_loss (and the history), and a summary line.

Exit status: 0 everything within rtol, 1 something outside (the entries are named) or a file
is unreadable / malformed / the shapes differ, 2 bad usage.

Example:
  /usr/bin/python3 compare.py --ours ours.json --torch torch.json --rtol 1e-9
"""

import argparse
import json
import math
import sys

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
PROG = "compare.py"


class Failure(Exception):
    pass


def nonnegative_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not (math.isfinite(v) and v >= 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number >= 0")
    return v


def load(option, path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise Failure(f"{option}: cannot read '{path}': {e.strerror}") from None
    except ValueError as e:
        raise Failure(f"{option}: '{path}' is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise Failure(f"{option}: '{path}' is not a JSON object")
    for key in ("final_loss", "layers"):
        if key not in doc:
            raise Failure(f"{option}: '{path}' has no \"{key}\"")
    return doc


def number(option, path, where, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Failure(f"{option}: '{path}': {where} is {json.dumps(v)}, not a number")
    return float(v)


def rel_diff(a, b):
    """|a-b| / max(|a|,|b|); 0 when a == b (both zeros included); inf for NaN."""
    if a == b:
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def within(a, b, rtol):
    if math.isnan(a) or math.isnan(b):
        return False
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))


def flatten_layer(option, path, l, layer):
    """[(name, value)] of one layer: weight[j][i] then bias[j]."""
    if not isinstance(layer, dict) or "weight" not in layer or "bias" not in layer:
        raise Failure(f"{option}: '{path}': layers[{l}] must have \"weight\" and \"bias\"")
    w, b = layer["weight"], layer["bias"]
    if not isinstance(w, list) or not all(isinstance(r, list) for r in w) or not isinstance(b, list):
        raise Failure(f"{option}: '{path}': layers[{l}].weight must be a list of rows and .bias a list")
    out = []
    for j, row in enumerate(w):
        for i, v in enumerate(row):
            name = f"layers[{l}].weight[{j}][{i}]"
            out.append((name, number(option, path, name, v)))
    for j, v in enumerate(b):
        name = f"layers[{l}].bias[{j}]"
        out.append((name, number(option, path, name, v)))
    return out, (len(w), [len(r) for r in w], len(b))


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ours", required=True, metavar="A.json", help="gradaudit train --json output")
    parser.add_argument("--torch", required=True, metavar="B.json", help="train_torch.py --json output")
    parser.add_argument("--rtol", type=nonnegative_float, default=1e-9, metavar="R", help="default 1e-9")
    parser.add_argument("--history", action="store_true", help="also compare the per-step losses")
    parser.add_argument("--max-report", type=int, default=10, metavar="K",
                        help="name at most K entries outside rtol (default 10)")
    args = parser.parse_args(argv)
    if args.max_report < 1:
        parser.error(f"--max-report: '{args.max_report}' must be >= 1")

    try:
        a = load("--ours", args.ours)
        b = load("--torch", args.torch)
        la, lb = a["layers"], b["layers"]
        if not isinstance(la, list) or not isinstance(lb, list):
            raise Failure("\"layers\" must be a list in both files")
        if len(la) != len(lb):
            raise Failure(f"--ours has {len(la)} layers, --torch has {len(lb)}")
        failures = []  # (name, a, b, rel)
        worst_overall = (0.0, None)
        compared = 0
        lines = []
        for l in range(len(la)):
            ea, sa = flatten_layer("--ours", args.ours, l, la[l])
            eb, sb = flatten_layer("--torch", args.torch, l, lb[l])
            if sa != sb:
                raise Failure(f"layers[{l}] differs in shape: --ours {sa[0]} rows x {sorted(set(sa[1]))} cols, "
                              f"{sa[2]} biases; --torch {sb[0]} rows x {sorted(set(sb[1]))} cols, {sb[2]} biases")
            worst = (0.0, ea[0][0], ea[0][1], eb[0][1])
            for (name, x), (_, y) in zip(ea, eb):
                r = rel_diff(x, y)
                compared += 1
                if r > worst[0]:
                    worst = (r, name, x, y)
                if not within(x, y, args.rtol):
                    failures.append((name, x, y, r))
            lines.append(f"layer {l}: {len(ea)} parameters, max relative difference {worst[0]:.3g} "
                         f"at {worst[1]} (ours {worst[2]!r}, torch {worst[3]!r})")
            if worst[0] >= worst_overall[0]:
                worst_overall = (worst[0], worst[1])
        fa = number("--ours", args.ours, "final_loss", a["final_loss"])
        fb = number("--torch", args.torch, "final_loss", b["final_loss"])
        r = rel_diff(fa, fb)
        compared += 1
        lines.append(f"final_loss: ours {fa!r}, torch {fb!r}, relative difference {r:.3g}")
        if not within(fa, fb, args.rtol):
            failures.append(("final_loss", fa, fb, r))
        if r >= worst_overall[0]:
            worst_overall = (r, "final_loss")
        if args.history:
            ha, hb = a.get("history"), b.get("history")
            if not isinstance(ha, list) or not isinstance(hb, list):
                raise Failure("--history: both files need a \"history\" list")
            if len(ha) != len(hb):
                raise Failure(f"--history: --ours has {len(ha)} steps, --torch has {len(hb)}")
            hw = (0.0, None)
            for k, (x, y) in enumerate(zip(ha, hb)):
                name = f"history[{k}].loss"
                try:
                    xv = number("--ours", args.ours, name, x["loss"])
                    yv = number("--torch", args.torch, name, y["loss"])
                except (TypeError, KeyError):
                    raise Failure(f"--history: {name} is missing") from None
                rr = rel_diff(xv, yv)
                compared += 1
                if rr >= hw[0]:
                    hw = (rr, k)
                if not within(xv, yv, args.rtol):
                    failures.append((name, xv, yv, rr))
            lines.append(f"history: {len(ha)} losses, max relative difference {hw[0]:.3g}"
                         + (f" at step {hw[1]}" if hw[1] is not None and hw[0] > 0 else ""))
            if hw[0] >= worst_overall[0] and hw[1] is not None:
                worst_overall = (hw[0], f"history[{hw[1]}].loss")
    except Failure as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_FAIL

    for line in lines:
        print(line)
    if failures:
        failures.sort(key=lambda f: -f[3])
        print(f"FAIL: {len(failures)} of {compared} values outside rtol {args.rtol:g}; worst first:")
        for name, x, y, r in failures[: args.max_report]:
            print(f"  {name}: ours {x!r}, torch {y!r}, relative difference {r:.3g}")
        if len(failures) > args.max_report:
            print(f"  ... and {len(failures) - args.max_report} more")
        return EXIT_FAIL
    print(f"OK: all {compared} values within rtol {args.rtol:g} (max relative difference "
          f"{worst_overall[0]:.3g}" + (f" at {worst_overall[1]})" if worst_overall[0] > 0 else ")"))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
