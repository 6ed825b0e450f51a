#!/usr/bin/python3
"""Train, in PyTorch float64, the network `gradaudit train` trains, and write gradaudit's JSON.

Both sides start from bitwise the same parameters (--init), see the same data (--data) and
run the same full-batch gradient descent, so compare.py can put the two results side by side.

Model: one nn.Linear(double) per layer of --init, the weights and biases copied in, and
--activation after every layer (the last one too). Loss: nn.BCELoss(), nn.MSELoss() or
nn.BCEWithLogitsLoss() (all 'mean'), on outputs of shape (n, 1) and targets of shape (n, 1).
Each epoch: outputs = model(X); loss = crit(outputs, Y); optimizer.zero_grad();
loss.backward(); optimizer.step() with optim.SGD(lr) -- the loop of the article's code.

--data FILE.csv   header x1,x2,...,y; the last column is the target (gradaudit's format).
--init FILE.json  {"layers": [{"weight": [[...] one row per output unit], "bias": [...]}, ...]}.
                  A JSON written by `gradaudit train --json` works too: its "initial_layers"
                  are used (see --init-key).

Output (--json, written atomically): {"final_loss", "train_seconds", "history": [{"step",
"loss"}], "layers"} like gradaudit's, plus a few descriptive keys (torch_version, threads,
activation, loss, epochs, learning_rate). history[i].loss is the loss at the parameters
before step i (as in gradaudit); final_loss is one more forward pass after the last step.
train_seconds is the epoch loop alone (time.perf_counter); with --distinct-units the time
spent counting units is left out of it.

--distinct-units: history[i] also gets "distinct_units" (one count per hidden layer, at the
parameters before step i, as gradaudit records it). Units j and k of hidden layer l are the
same when their incoming weight rows, biases and outgoing weight columns (in layer l+1) are
bitwise equal: == on the doubles and the same sign (math.copysign) for zeros.

Exit status: 0 success, 2 bad usage (the message names the argument and value), 1 failure
(unreadable or malformed files, a non-finite loss).

Run with /usr/bin/python3 (Debian's python3-torch).
"""

import argparse
import csv
import json
import math
import os
import sys
import tempfile
import time

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
PROG = "train_torch.py"

ACTIVATIONS = ("sigmoid", "identity", "relu", "tanh")
LOSSES = ("bce", "mse", "bce_with_logits")


class Failure(Exception):
    """A failed run (bad input file, non-finite loss): exit 1."""


class Usage(Exception):
    """Bad usage found after argparse (e.g. activation/loss mismatch, shapes): exit 2."""


# ---- helpers shared with the other scripts of this folder ---------------------------------


def write_json_atomic(path, obj, indent=None):
    """Writes obj as JSON to path via a temporary file in the same folder and os.replace.

    indent None: json_text's layout (one history entry / layer per line); else json.dumps."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json_text(obj) if indent is None else json.dumps(obj, indent=indent, allow_nan=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def json_text(obj):
    """JSON like gradaudit writes it: one top-level key per line, list items (history entries,
    layers) one per line; floats by repr (17 significant digits at most, round-trips)."""
    def dump(v):
        return json.dumps(v, allow_nan=False)

    if not isinstance(obj, dict):
        return dump(obj) + "\n"
    parts = []
    for k, v in obj.items():
        if isinstance(v, list) and v and all(isinstance(e, (dict, list)) for e in v):
            body = ",\n".join("    " + dump(e) for e in v)
            parts.append(f"  {dump(k)}: [\n{body}\n  ]")
        else:
            parts.append(f"  {dump(k)}: {dump(v)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def check_output_path(parser, option, path):
    """argparse-style usage error (exit 2) when the output folder is missing or not writable."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        parser.error(f"{option}: the folder of '{path}' ({folder}) does not exist")
    if not os.access(folder, os.W_OK):
        parser.error(f"{option}: the folder of '{path}' ({folder}) is not writable")
    if os.path.isdir(path):
        parser.error(f"{option}: '{path}' is a directory")


def torch_build_info(torch):
    """BLAS/LAPACK of the torch build and the BLAS library Debian's alternatives point at."""
    import re
    info = dict(re.findall(r"\b(BLAS_INFO|LAPACK_INFO|USE_MKLDNN|USE_OPENMP)=([^,\s]+)", torch.__config__.show()))
    alt = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    if os.path.exists(alt):
        info["libblas.so.3"] = os.path.realpath(alt)
    return info


def same_double(a, b):
    """Bitwise equality of two finite-or-not doubles as gradaudit defines it: == and sign of zero."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def distinct_units(layers, l):
    """Distinct units of hidden layer l of layers = [(weight rows, bias list), ...] (python floats).

    Unit j is (weight[l][j][:], bias[l][j], weight[l+1][:][j]); two units are the same when all
    of these are bitwise equal. Counted like gradaudit (first representative wins)."""
    w_in, b_in = layers[l]
    w_out, _ = layers[l + 1]
    reps = []
    for j in range(len(w_in)):
        for r in reps:
            if not same_double(b_in[j], b_in[r]):
                continue
            if not all(same_double(a, b) for a, b in zip(w_in[j], w_in[r])):
                continue
            if not all(same_double(row[j], row[r]) for row in w_out):
                continue
            break
        else:
            reps.append(j)
    return len(reps)


def model_layers(linears):
    """[(weight rows, bias)] as python floats from a list of nn.Linear."""
    return [(lin.weight.detach().tolist(), lin.bias.detach().tolist()) for lin in linears]


def positive_int(text, allow_zero=False):
    try:
        v = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if v < 0 or (v == 0 and not allow_zero):
        raise argparse.ArgumentTypeError(f"'{text}' must be {'>= 0' if allow_zero else '>= 1'}")
    return v


def nonnegative_int(text):
    return positive_int(text, allow_zero=True)


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive finite number")
    return v


# ---- input files -----------------------------------------------------------------------------


def read_csv(path):
    """(features as list of rows, targets list) from a gradaudit CSV; Failure naming the line."""
    try:
        f = open(path, newline="", encoding="utf-8-sig")
    except OSError as e:
        raise Failure(f"--data: cannot read '{path}': {e.strerror}") from None
    with f:
        rows = csv.reader(f)
        try:
            header = next(rows)
        except StopIteration:
            raise Failure(f"--data: '{path}' is empty (expected a header x1,...,y)") from None
        header = [h.strip() for h in header]
        if len(header) < 2 or header[-1] != "y":
            raise Failure(f"--data: '{path}', line 1: the header must name the features and end with y, "
                          f"got '{','.join(header)}'")
        d = len(header) - 1
        xs, ys = [], []
        for row in rows:
            line = rows.line_num
            if not row:
                raise Failure(f"--data: '{path}', line {line}: blank line")
            if len(row) != d + 1:
                raise Failure(f"--data: '{path}', line {line}: {len(row)} cells, the header has {d + 1}")
            vals = []
            for c, cell in enumerate(row):
                try:
                    v = float(cell.strip())
                except ValueError:
                    raise Failure(f"--data: '{path}', line {line}, column {header[c]}: "
                                  f"'{cell}' is not a number") from None
                if not math.isfinite(v):
                    raise Failure(f"--data: '{path}', line {line}, column {header[c]}: '{cell}' is not finite")
                vals.append(v)
            xs.append(vals[:d])
            ys.append(vals[d])
    if not xs:
        raise Failure(f"--data: '{path}' has a header but no samples")
    return xs, ys


def read_init(path, key):
    """[(weight rows, bias)] from our JSON format; Failure naming the bad entry."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise Failure(f"--init: cannot read '{path}': {e.strerror}") from None
    except ValueError as e:
        raise Failure(f"--init: '{path}' is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise Failure(f"--init: '{path}' must hold a JSON object with \"layers\"")
    if key == "auto":
        key = "initial_layers" if "initial_layers" in doc else "layers"
    if key not in doc:
        raise Failure(f"--init: '{path}' has no \"{key}\"")
    layers = doc[key]
    if not isinstance(layers, list) or not layers:
        raise Failure(f"--init: '{path}': \"{key}\" must be a non-empty list")

    def number(v, where):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise Failure(f"--init: '{path}': {where} is {json.dumps(v)}, not a number")
        v = float(v)
        if not math.isfinite(v):
            raise Failure(f"--init: '{path}': {where} is not finite")
        return v

    out = []
    for l, layer in enumerate(layers):
        where = f"{key}[{l}]"
        if not isinstance(layer, dict) or "weight" not in layer or "bias" not in layer:
            raise Failure(f"--init: '{path}': {where} must be an object with \"weight\" and \"bias\"")
        w, b = layer["weight"], layer["bias"]
        if not isinstance(w, list) or not w or not all(isinstance(r, list) for r in w):
            raise Failure(f"--init: '{path}': {where}.weight must be a non-empty list of rows")
        cols = len(w[0])
        if cols == 0:
            raise Failure(f"--init: '{path}': {where}.weight[0] is empty")
        rows = []
        for j, r in enumerate(w):
            if len(r) != cols:
                raise Failure(f"--init: '{path}': {where}.weight[{j}] has {len(r)} entries, row 0 has {cols}")
            rows.append([number(v, f"{where}.weight[{j}][{i}]") for i, v in enumerate(r)])
        if not isinstance(b, list) or len(b) != len(w):
            raise Failure(f"--init: '{path}': {where}.bias must be a list of {len(w)} numbers (one per row)")
        bias = [number(v, f"{where}.bias[{j}]") for j, v in enumerate(b)]
        if l > 0 and cols != len(out[-1][0]):
            raise Failure(f"--init: '{path}': {where}.weight has {cols} columns, "
                          f"{key}[{l - 1}] has {len(out[-1][0])} units")
        out.append((rows, bias))
    return out, key


# ---- the model ------------------------------------------------------------------------------


def build_model(torch, nn, init, activation):
    """(nn.Sequential, [nn.Linear]) in float64 with init copied in bitwise."""
    act = {"sigmoid": nn.Sigmoid, "identity": nn.Identity, "relu": nn.ReLU, "tanh": nn.Tanh}[activation]
    mods, linears = [], []
    for rows, bias in init:
        lin = nn.Linear(len(rows[0]), len(rows)).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(rows, dtype=torch.float64))
            lin.bias.copy_(torch.tensor(bias, dtype=torch.float64))
        mods += [lin, act()]
        linears.append(lin)
    return nn.Sequential(*mods), linears


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, metavar="FILE.csv", help="header x1,...,y; last column the target")
    parser.add_argument("--init", required=True, metavar="FILE.json", help='{"layers": [{"weight", "bias"}, ...]}')
    parser.add_argument("--init-key", default="auto", choices=("auto", "layers", "initial_layers"),
                        help='which list of --init to use; auto: "initial_layers" if present, else "layers"')
    parser.add_argument("--activation", required=True, choices=ACTIVATIONS, help="after every layer")
    parser.add_argument("--loss", required=True, choices=LOSSES)
    parser.add_argument("--epochs", required=True, type=nonnegative_int, metavar="N")
    parser.add_argument("--lr", required=True, type=positive_float, metavar="R")
    parser.add_argument("--json", required=True, metavar="OUT", help="output, written atomically")
    parser.add_argument("--threads", type=positive_int, default=1, metavar="N", help="torch.set_num_threads (default 1)")
    parser.add_argument("--distinct-units", action="store_true", help="record distinct units per hidden layer per step")
    args = parser.parse_args(argv)

    if args.loss == "bce" and args.activation != "sigmoid":
        parser.error(f"--activation {args.activation}: --loss bce (nn.BCELoss) needs outputs in [0,1], "
                     "use --activation sigmoid")
    if args.loss == "bce_with_logits" and args.activation != "identity":
        parser.error(f"--activation {args.activation}: --loss bce_with_logits takes logits, the last "
                     "activation (here every layer's) must be identity")
    check_output_path(parser, "--json", args.json)

    try:
        xs, ys = read_csv(args.data)
        init, key = read_init(args.init, args.init_key)
    except Failure as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_FAIL
    d = len(xs[0])
    if len(init[0][0][0]) != d:
        parser.error(f"--init: layer 0 takes {len(init[0][0][0])} inputs, --data '{args.data}' has {d} features")
    if len(init[-1][0]) != 1:
        parser.error(f"--init: the last layer has {len(init[-1][0])} units; the target is one column, it must have 1")
    if args.loss in ("bce", "bce_with_logits"):
        bad = next((i for i, y in enumerate(ys) if not 0.0 <= y <= 1.0), None)
        if bad is not None:
            parser.error(f"--data: sample {bad} has target {ys[bad]!r}, outside [0, 1] for --loss {args.loss}")

    import torch
    import torch.nn as nn
    import torch.optim as optim

    torch.set_num_threads(args.threads)
    X = torch.tensor(xs, dtype=torch.float64)
    Y = torch.tensor(ys, dtype=torch.float64).unsqueeze(1)  # (n, 1), the output's shape
    model, linears = build_model(torch, nn, init, args.activation)
    crit = {"bce": nn.BCELoss, "mse": nn.MSELoss, "bce_with_logits": nn.BCEWithLogitsLoss}[args.loss]()
    optimizer = optim.SGD(model.parameters(), lr=args.lr)

    history = []
    hidden = len(linears) - 1
    counting = 0.0
    t0 = time.perf_counter()
    for epoch in range(args.epochs):
        if args.distinct_units and hidden:
            c0 = time.perf_counter()
            ps = model_layers(linears)
            units = [distinct_units(ps, l) for l in range(hidden)]
            counting += time.perf_counter() - c0
        outputs = model(X)
        loss = crit(outputs, Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        value = loss.item()
        entry = {"step": epoch, "loss": value}
        if args.distinct_units:
            entry["distinct_units"] = units if hidden else []
        history.append(entry)
        if not math.isfinite(value):
            print(f"{PROG}: step {epoch}: the loss is {value!r} (--lr {args.lr!r} too large?)", file=sys.stderr)
            return EXIT_FAIL
    seconds = time.perf_counter() - t0 - counting
    with torch.no_grad():
        final_loss = crit(model(X), Y).item()
    if not math.isfinite(final_loss):
        print(f"{PROG}: after step {args.epochs}: the loss is {final_loss!r}", file=sys.stderr)
        return EXIT_FAIL

    layers = [{"activation": args.activation, "weight": w, "bias": b} for w, b in model_layers(linears)]
    for i, (w, b) in enumerate(model_layers(linears)):
        if not all(math.isfinite(v) for row in w for v in row) or not all(math.isfinite(v) for v in b):
            print(f"{PROG}: after step {args.epochs}: layer {i} has a non-finite parameter", file=sys.stderr)
            return EXIT_FAIL
    out = {
        "final_loss": final_loss,
        "train_seconds": seconds,
        "samples": len(xs),
        "epochs": args.epochs,
        "learning_rate": args.lr,
        "loss": args.loss,
        "activation": args.activation,
        "init_file": os.path.abspath(args.init),
        "init_key": key,
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "history": history,
        "layers": layers,
    }
    try:
        write_json_atomic(args.json, out)
    except OSError as e:
        print(f"{PROG}: --json: cannot write '{args.json}': {e.strerror}", file=sys.stderr)
        return EXIT_FAIL
    msg = f"final loss {final_loss!r} on {len(xs)} samples, {args.epochs} epochs in {seconds:.6g} s"
    if args.distinct_units and hidden:
        ps = model_layers(linears)
        msg += "; distinct units per hidden layer: " + " ".join(str(distinct_units(ps, l)) for l in range(hidden))
    print(msg)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
