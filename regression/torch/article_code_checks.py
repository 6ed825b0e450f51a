#!/usr/bin/python3
"""Run the article's own PyTorch code on the installed PyTorch and record what it does.

The article's model and data code is embedded below verbatim (ARTICLE_SETUP, ARTICLE_STEP)
and executed with exec(); when the article is available (--article, default the repository's
properties/source-article.md) the script first checks that every embedded line occurs, in
order, in the article's code block. Facts recorded:

 (a) does `loss = criterion(outputs, labels)` run, with outputs of shape (n, 1) and labels of
     shape (n,) as the article builds them? The exception's type and message.
 (b) SimpleBinaryClassifier.forward computes y = self.linear(x); y = torch.sigmoid(y);
     y = self.linear2(x): `linear` never reaches the output. After one backward pass (with
     labels.unsqueeze(1), so that it runs): is each parameter's .grad None, does SGD's step
     change it? The initial values: weights constant 0.01 (float32), biases left at
     nn.Linear's default uniform(+-1/sqrt(fan_in)) -- different for two torch.manual_seed
     values. Also the article's whole 1000-epoch run (with the unsqueeze fix): final loss,
     parameters, and whether `linear` ever moved; its test accuracy, computed as the article
     does (predictions (20, 1) == labels (20,) broadcasts to 20 x 20) and element-wise.
 (c) the plotted line ytrue = 2*xtrue against the labelling rule x2 > 0.5: the fraction of
     100000 standard-normal points (torch.manual_seed(0)) on which (x2 > 0.5) and
     (x2 > 2*x1) disagree, and the exact probability by quadrature.
 (d) `ax1.xticks=ticks` only sets a Python attribute on the Axes (checked with matplotlib's
     Agg backend when `import matplotlib` works; otherwise recorded as not installed).
 (e) constant initialisation in PyTorch's own kernels: a 2-8-8-1 sigmoid network (float64),
     every weight and bias = c (c = 0.0, 0.01, 0.5), full-batch BCELoss + SGD(lr=0.1) for 50
     steps on 10000 samples of the article's data (torch.manual_seed(1), torch.randn in
     float32 as the article draws it, then converted to float64; label x2 > 0.5, targets
     (n, 1)). After every step: distinct units per hidden layer (bitwise, as train_torch.py
     counts them). Per c: the counts, whether they ever exceed 1, the largest |unit - unit 0|
     at the end, distinct values per weight matrix, the first step each layer moves, and
     whether 1 and 2 threads give bitwise the same parameters. A control run from nn.Linear's
     random initialisation shows the counter does see 8 distinct units.

Output: human-readable lines on stdout; with --json OUT, all facts as JSON (atomically).
Exit status: 0 the facts were recorded; 1 a measurement raised an unexpected error or the
embedded code does not match the article; 2 bad usage; 3 PyTorch is not importable (one
line on stderr: callers need no separate `import torch` probe, which costs a second start of
PyTorch, ~2 CPU-seconds).

Run with /usr/bin/python3 (Debian's python3-torch).
"""

import argparse
import math
import os
import sys
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import check_output_path, positive_int, distinct_units, model_layers, torch_build_info, write_json_atomic  # noqa: E402

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
PROG = "article_code_checks.py"
DEFAULT_ARTICLE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "..", "..", "properties", "source-article.md"))

# ---- the article's code, verbatim (its lines are checked against the article) ------------------

ARTICLE_SETUP = '''\
# 定义一个简单的二分类模型
class SimpleBinaryClassifier(nn.Module):
    def __init__(self):
        super(SimpleBinaryClassifier, self).__init__()
        self.linear = nn.Linear(num_features, 1)
        self.linear2 = nn.Linear(num_features, 1)
        nn.init.constant_(self.linear.weight, 0.01)
        nn.init.constant_(self.linear2.weight, 0.01)

    def forward(self, x):
        y = self.linear(x)
        y = torch.sigmoid(y)
        y = self.linear2(x)
        return torch.sigmoid(y)

# 创建简单的训练数据集
num_samples = 10000
num_features = 2
input_features = torch.randn(num_samples, num_features)
labels = (input_features[:, 1] > 0.5).float()

# 创建简单的测试数据集
test_num_samples = 20
test_input_features = torch.randn(test_num_samples, num_features)
test_labels = (test_input_features[:, 1] > 0.5).float()

# 初始化模型、损失函数和优化器
model = SimpleBinaryClassifier()
criterion = nn.BCELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
'''

# The first two lines of the article's training loop (dedented).
ARTICLE_STEP = '''\
outputs = model(input_features)
loss = criterion(outputs, labels)
'''

# The article's test code after training.
ARTICLE_TEST = '''\
model.eval()
test_outputs = model(test_input_features)
test_predictions = (test_outputs > 0.5).float()
accuracy = (test_predictions == test_labels).float().mean()
'''


def article_code_block(path):
    """The code between the first ``` fence pair of the article that holds 'import torch'."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parts = text.split("```")
    for k in range(1, len(parts), 2):
        if "import torch" in parts[k]:
            return parts[k]
    return None


def lines_in_order(snippet, block):
    """True when the snippet's non-blank lines (stripped) occur in order among the block's."""
    want = [ln.strip() for ln in snippet.splitlines() if ln.strip()]
    have = [ln.strip() for ln in block.splitlines() if ln.strip()]
    i = 0
    for ln in have:
        if i < len(want) and ln == want[i]:
            i += 1
    return i == len(want), (want[i] if i < len(want) else None)


def run_setup(torch, seed):
    """exec the article's setup after torch.manual_seed(seed); the namespace."""
    import torch.nn as nn
    import torch.optim as optim
    torch.manual_seed(seed)
    ns = {"torch": torch, "nn": nn, "optim": optim, "__name__": "article"}
    exec(compile(ARTICLE_SETUP, "<article setup>", "exec"), ns)
    return ns


# ---- (a) ------------------------------------------------------------------------------------


def check_a(torch, seed):
    ns = run_setup(torch, seed)
    out = {"torch_manual_seed": seed,
           "outputs_shape": list(ns["model"](ns["input_features"]).shape),
           "labels_shape": list(ns["labels"].shape)}
    try:
        exec(compile(ARTICLE_STEP, "<article loop>", "exec"), ns)
        out.update(runs=True, loss=ns["loss"].item())
    except Exception as e:  # the fact we are after
        out.update(runs=False, exception_type=f"{type(e).__module__}.{type(e).__qualname__}",
                   exception_message=str(e))
    return out


# ---- (f) ------------------------------------------------------------------------------------


def check_f(torch, seed, epochs):
    """The article's test accuracy after its training (with the target-shape fix of (a)):
    (20, 1) predictions == (20,) labels broadcasts to 20 x 20. (Untrained, the predictions are
    all equal and the broadcast mean happens to equal the element-wise one.)"""
    ns = run_setup(torch, seed)
    model, crit, opt = ns["model"], ns["criterion"], ns["optimizer"]
    x, y = ns["input_features"], ns["labels"].unsqueeze(1)
    for _ in range(epochs):
        loss = crit(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    exec(compile(ARTICLE_TEST, "<article test>", "exec"), ns)
    pred, lab = ns["test_predictions"], ns["test_labels"]
    return {"torch_manual_seed": seed, "epochs": epochs,
            "predictions_shape": list(pred.shape), "labels_shape": list(lab.shape),
            "comparison_shape": "x".join(str(d) for d in (pred == lab).shape),
            "accuracy_as_written": ns["accuracy"].item(),
            "accuracy_elementwise": (pred.squeeze(1) == lab).float().mean().item()}


def flatten(facts, prefix=""):
    """key=value lines for the scalar leaves (dotted keys), for readers without JSON."""
    lines = []
    for k, v in facts.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            lines += flatten(v, key + ".")
        elif isinstance(v, (bool, int, float, str)) or v is None:
            text = str(v).replace("\n", " ")
            lines.append(f"{key}={text}")
    return lines


# ---- (b) ------------------------------------------------------------------------------------


def check_b(torch, seed, seed2, epochs):
    ns = run_setup(torch, seed)
    model, optimizer, criterion = ns["model"], ns["optimizer"], ns["criterion"]
    X, labels = ns["input_features"], ns["labels"]
    params = dict(model.named_parameters())
    initial = {n: p.detach().clone() for n, p in params.items()}
    out = {"torch_manual_seed": seed, "dtype": str(X.dtype)}
    out["initial"] = {n: p.flatten().tolist() for n, p in initial.items()}
    out["weights_are_constant_0.01"] = all(
        bool((initial[n] == torch.tensor(0.01, dtype=initial[n].dtype)).all()) for n in ("linear.weight", "linear2.weight"))
    bound = 1 / math.sqrt(2)
    out["bias_default_bound_1_over_sqrt_fan_in"] = bound
    out["biases_within_bound"] = all(abs(v) <= bound for n in ("linear.bias", "linear2.bias")
                                     for v in initial[n].tolist())
    ns2 = run_setup(torch, seed2)
    p2 = dict(ns2["model"].named_parameters())
    out["second_construction"] = {"torch_manual_seed": seed2,
                                  "linear.bias": p2["linear.bias"].tolist(),
                                  "linear2.bias": p2["linear2.bias"].tolist()}
    out["biases_differ_between_seeds"] = {n: not torch.equal(initial[n], p2[n].detach())
                                          for n in ("linear.bias", "linear2.bias")}
    out["weights_equal_between_seeds"] = {n: torch.equal(initial[n], p2[n].detach())
                                          for n in ("linear.weight", "linear2.weight")}

    # One step of the article's loop with the targets reshaped to (n, 1).
    outputs = model(X)
    loss = criterion(outputs, labels.unsqueeze(1))
    optimizer.zero_grad()
    loss.backward()
    grads = {n: (None if p.grad is None else p.grad.flatten().tolist()) for n, p in params.items()}
    optimizer.step()
    out["one_step"] = {
        "loss": loss.item(),
        "grad_is_none": {n: g is None for n, g in grads.items()},
        "grad": grads,
        "changed_by_step": {n: not torch.equal(initial[n], p.detach()) for n, p in params.items()},
    }

    # The article's whole run (labels.unsqueeze(1)), then its test code.
    ns = run_setup(torch, seed)
    model, optimizer, criterion = ns["model"], ns["optimizer"], ns["criterion"]
    X, Y = ns["input_features"], ns["labels"].unsqueeze(1)
    params = dict(model.named_parameters())
    initial = {n: p.detach().clone() for n, p in params.items()}
    first_loss = None
    for epoch in range(epochs):
        outputs = model(X)
        loss = criterion(outputs, Y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if first_loss is None:
            first_loss = loss.item()
    exec(compile(ARTICLE_TEST, "<article test>", "exec"), ns)
    with torch.no_grad():
        train_acc = ((model(X) > 0.5).float() == Y).float().mean().item()
    out["full_run"] = {
        "epochs": epochs,
        "first_loss": first_loss,
        "last_loss": loss.item(),
        "final_parameters": {n: p.detach().flatten().tolist() for n, p in params.items()},
        "unchanged_after_all_epochs": {n: torch.equal(initial[n], p.detach()) for n, p in params.items()},
        "train_accuracy": train_acc,
        "test_accuracy_20_points": ns["accuracy"].item(),
        # The article compares predictions (20, 1) with labels (20,): == broadcasts to (20, 20).
        "test_comparison_shape": list((ns["test_predictions"] == ns["test_labels"]).shape),
        "test_accuracy_20_points_elementwise": (
            (ns["test_predictions"].squeeze(1) == ns["test_labels"]).float().mean().item()),
    }
    return out


# ---- (c) ------------------------------------------------------------------------------------


def normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def disagreement_probability():
    """P[(x2 > 0.5) != (x2 > 2 x1)] for independent standard normals: the integral over x1 of
    phi(x1) |Phi(2 x1) - Phi(0.5)|, by composite Simpson on [-10, 10] with 200000 intervals
    (split at the kink x1 = 0.25)."""
    def f(x):
        return math.exp(-x * x / 2) / math.sqrt(2 * math.pi) * abs(normal_cdf(2 * x) - normal_cdf(0.5))

    def simpson(a, b, n):
        h = (b - a) / n
        s = f(a) + f(b)
        for k in range(1, n):
            s += (4 if k % 2 else 2) * f(a + k * h)
        return s * h / 3

    return simpson(-10.0, 0.25, 100000) + simpson(0.25, 10.0, 100000)


def check_c(torch, n):
    torch.manual_seed(0)
    P = torch.randn(n, 2, dtype=torch.float64)
    rule_labels = P[:, 1] > 0.5
    rule_line = P[:, 1] > 2 * P[:, 0]
    disagree = int((rule_labels != rule_line).sum().item())
    return {"points": n, "torch_manual_seed": 0, "dtype": "float64",
            "disagreements": disagree, "fraction": disagree / n,
            "exact_probability": disagreement_probability()}


# ---- (d) ------------------------------------------------------------------------------------


def check_d():
    try:
        import matplotlib
    except ImportError as e:
        return {"matplotlib": "matplotlib not installed", "import_error": str(e)}
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax1 = plt.subplots()
    ax1.plot([-2.5, 2.5], [-5, 5])
    fig.canvas.draw()
    before = [float(t) for t in ax1.get_xticks()]
    had_attr = "xticks" in vars(ax1)
    ticks = [v * 0.5 - 3 for v in range(12)]  # np.arange(-3, 3, 0.5)
    ax1.xticks = ticks
    fig.canvas.draw()
    after = [float(t) for t in ax1.get_xticks()]
    res = {"matplotlib": matplotlib.__version__,
           "instance_attribute_before": had_attr,
           "instance_attribute_after": "xticks" in vars(ax1),
           "ticks_before": before, "ticks_after": after,
           "ticks_changed": before != after,
           "ticks_equal_requested": after == ticks}
    plt.close(fig)
    return res


# ---- (e) ------------------------------------------------------------------------------------


def unit_drift(ps, l):
    """max over units j of max |unit_j - unit_0| over incoming row, bias, outgoing column."""
    w_in, b_in = ps[l]
    w_out, _ = ps[l + 1]
    worst = 0.0
    for j in range(1, len(w_in)):
        d = [abs(a - b) for a, b in zip(w_in[j], w_in[0])]
        d.append(abs(b_in[j] - b_in[0]))
        d += [abs(row[j] - row[0]) for row in w_out]
        worst = max(worst, max(d))
    return worst


def symmetry_run(torch, X, Y, c, steps, lr, threads, widths):
    import torch.nn as nn
    torch.set_num_threads(threads)
    linears = [nn.Linear(a, b).double() for a, b in zip(widths, widths[1:])]
    if c is not None:
        with torch.no_grad():
            for lin in linears:
                lin.weight.fill_(c)
                lin.bias.fill_(c)
    mods = []
    for lin in linears:
        mods += [lin, nn.Sigmoid()]
    model = nn.Sequential(*mods)
    crit = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    hidden = len(linears) - 1
    ps = model_layers(linears)
    initial = ps
    counts = [[distinct_units(ps, l) for l in range(hidden)]]
    first_move = [None] * len(linears)
    zero_grad_at_step0 = None
    losses = []
    for step in range(steps):
        loss = crit(model(X), Y)
        opt.zero_grad()
        loss.backward()
        if step == 0:
            zero_grad_at_step0 = [bool((lin.weight.grad == 0).all()) and bool((lin.bias.grad == 0).all())
                                  for lin in linears]
        opt.step()
        losses.append(loss.item())
        ps = model_layers(linears)
        counts.append([distinct_units(ps, l) for l in range(hidden)])
        for l in range(len(linears)):
            if first_move[l] is None and ps[l] != initial[l]:
                first_move[l] = step + 1
    distinct_values = [len({v for row in w for v in row}) for w, _ in ps]
    return {
        "threads": torch.get_num_threads(),
        "distinct_units_per_step": counts,  # counts[0] before any step, counts[k] after step k
        "ever_exceeds_1": any(x > 1 for cnt in counts for x in cnt),
        "max_distinct_units": [max(cnt[l] for cnt in counts) for l in range(hidden)],
        "final_unit_drift": [unit_drift(ps, l) for l in range(hidden)],
        "distinct_weight_values_per_layer_at_end": distinct_values,
        "weight_shapes": [[len(w), len(w[0])] for w, _ in ps],
        "first_step_each_layer_moved": first_move,
        "gradient_exactly_zero_at_step_0": zero_grad_at_step0,
        "loss_before_step_1": losses[0] if losses else None,
        "loss_before_last_step": losses[-1] if losses else None,
    }, ps


def check_e(torch, constants, threads_list, steps, samples, lr):
    widths = [2, 8, 8, 1]
    torch.manual_seed(1)
    X = torch.randn(samples, 2).double()  # the article draws float32; converted exactly
    Y = (X[:, 1] > 0.5).double().unsqueeze(1)
    out = {"widths": widths, "activation": "sigmoid", "loss": "BCELoss (mean)", "optimizer": f"SGD(lr={lr})",
           "steps": steps, "samples": samples, "data_seed": 1, "dtype": "float64", "runs": []}
    saved_threads = torch.get_num_threads()
    try:
        for c in constants:
            per_threads, params = [], []
            for t in threads_list:
                res, ps = symmetry_run(torch, X, Y, c, steps, lr, t, widths)
                per_threads.append(res)
                params.append(ps)
            out["runs"].append({
                "c": c,
                "by_threads": per_threads,
                "bitwise_same_across_threads": all(p == params[0] for p in params[1:]),
            })
        # Control: nn.Linear's default random initialisation (torch.manual_seed(2)).
        torch.manual_seed(2)
        res, _ = symmetry_run(torch, X, Y, None, steps, lr, threads_list[0], widths)
        out["control_random_init"] = {"torch_manual_seed": 2, "threads": res["threads"],
                                      "distinct_units_first": res["distinct_units_per_step"][0],
                                      "distinct_units_last": res["distinct_units_per_step"][-1]}
    finally:
        torch.set_num_threads(saved_threads)
    return out


# ---- main -----------------------------------------------------------------------------------


def parse_list(text, kind, option):
    vals = []
    for part in text.split(","):
        try:
            v = kind(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{part}' in '{text}' is not a valid {kind.__name__}") from None
        vals.append(v)
    return vals


def threads_list(text):
    vals = parse_list(text, int, "--threads")
    if any(v < 1 for v in vals):
        raise argparse.ArgumentTypeError(f"'{text}': thread counts must be >= 1")
    return vals


def constants_list(text):
    vals = parse_list(text, float, "--constants")
    if not all(math.isfinite(v) for v in vals):
        raise argparse.ArgumentTypeError(f"'{text}': constants must be finite")
    return vals


def report(facts):
    """Human-readable lines."""
    L = []
    art = facts["article_code"]
    L.append(f"torch {facts['torch_version']} (BLAS_INFO={facts['build'].get('BLAS_INFO', '?')}, libblas "
             f"{facts['build'].get('libblas.so.3', '?')}); article code: {art['status']}")
    a = facts.get("a", {})
    if "error" in a:
        L.append(f"(a) ERROR {a['error']}")
    else:
        L.append(f"(a) criterion(outputs {tuple(a['outputs_shape'])}, labels {tuple(a['labels_shape'])}): "
                 + (f"runs, loss {a['loss']!r}" if a["runs"] else
                    f"raises {a['exception_type']}: {a['exception_message']}"))
    b = facts.get("b", {})
    if "error" in b:
        L.append(f"(b) ERROR {b['error']}")
    else:
        s = b["one_step"]
        L.append(f"(b) one step with labels.unsqueeze(1) (loss {s['loss']:.6f}):")
        for n in s["grad_is_none"]:
            L.append(f"    {n:15s} grad is None: {s['grad_is_none'][n]!s:5s}  changed by SGD step: "
                     f"{s['changed_by_step'][n]!s:5s}  initial {b['initial'][n]}")
        L.append(f"    weights constant 0.01: {b['weights_are_constant_0.01']}; biases differ between "
                 f"manual_seed({b['torch_manual_seed']}) and manual_seed({b['second_construction']['torch_manual_seed']}): "
                 f"{b['biases_differ_between_seeds']} (seed {b['second_construction']['torch_manual_seed']}: "
                 f"linear.bias {b['second_construction']['linear.bias']}, linear2.bias {b['second_construction']['linear2.bias']})")
        fr = b["full_run"]
        L.append(f"    full run, {fr['epochs']} epochs: loss {fr['first_loss']:.6f} -> {fr['last_loss']:.6f}, "
                 f"train accuracy {fr['train_accuracy']:.4f}; the article's test accuracy (20 points) "
                 f"{fr['test_accuracy_20_points']:.4f} averages a {'x'.join(map(str, fr['test_comparison_shape']))} "
                 f"broadcast comparison, element-wise it is {fr['test_accuracy_20_points_elementwise']:.2f}; "
                 f"unchanged after all epochs: {fr['unchanged_after_all_epochs']}")
        L.append(f"    final linear2: weight {fr['final_parameters']['linear2.weight']}, bias {fr['final_parameters']['linear2.bias']}")
    c = facts.get("c", {})
    if "error" in c:
        L.append(f"(c) ERROR {c['error']}")
    else:
        L.append(f"(c) rules x2 > 0.5 and x2 > 2*x1 disagree on {c['disagreements']} of {c['points']} "
                 f"standard-normal points ({c['fraction']:.5f}); exact probability {c['exact_probability']:.6f}")
    d = facts.get("d", {})
    if "error" in d:
        L.append(f"(d) ERROR {d['error']}")
    elif d.get("matplotlib") == "matplotlib not installed":
        L.append("(d) matplotlib not installed: `ax1.xticks=ticks` not checked")
    else:
        L.append(f"(d) matplotlib {d['matplotlib']}: after ax1.xticks=ticks, instance attribute set: "
                 f"{d['instance_attribute_after']}, ticks changed: {d['ticks_changed']} ({d['ticks_after']})")
    e = facts.get("e", {})
    if "error" in e:
        L.append(f"(e) ERROR {e['error']}")
    else:
        L.append(f"(e) 2-8-8-1 sigmoid, all weights and biases = c, BCELoss, SGD(lr={facts['e']['optimizer'][7:-1]}), "
                 f"{e['steps']} steps, {e['samples']} samples, float64:")
        for run in e["runs"]:
            for r in run["by_threads"]:
                seq = sorted({tuple(x) for x in r["distinct_units_per_step"]})
                L.append(f"    c={run['c']!r:5s} threads={r['threads']}: distinct units per step in {seq}, "
                         f"ever > 1: {r['ever_exceeds_1']}, final |unit - unit0| max {r['final_unit_drift']}, "
                         f"distinct weight values per layer {r['distinct_weight_values_per_layer_at_end']} "
                         f"(shapes {r['weight_shapes']}), first step each layer moved {r['first_step_each_layer_moved']}, "
                         f"zero gradient at step 0 {r['gradient_exactly_zero_at_step_0']}, "
                         f"loss {r['loss_before_step_1']:.6f} -> {r['loss_before_last_step']:.6f} (before the first and the last step)")
            L.append(f"    c={run['c']!r}: bitwise the same parameters for threads "
                     f"{[r['threads'] for r in run['by_threads']]}: {run['bitwise_same_across_threads']}")
        ctl = e["control_random_init"]
        L.append(f"    control (nn.Linear default init): distinct units {ctl['distinct_units_first']} -> "
                 f"{ctl['distinct_units_last']}")
    return L


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", metavar="OUT", help="write all facts as JSON (atomically)")
    parser.add_argument("--flat", metavar="OUT",
                        help="write the scalar facts as key=value lines (atomically), for the C++ claims")
    parser.add_argument("--article", metavar="FILE.md", default=None,
                        help=f"the article, to check the embedded code against (default {DEFAULT_ARTICLE}; "
                             "skipped with a note when that default is missing)")
    parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed before the article's code (default 0)")
    parser.add_argument("--seed2", type=int, default=1, help="the second construction's seed in (b) (default 1)")
    parser.add_argument("--epochs", type=positive_int, default=1000, help="the article's epochs in (b) (default 1000)")
    parser.add_argument("--points", type=positive_int, default=100000, help="points in (c) (default 100000)")
    parser.add_argument("--constants", type=constants_list, default=[0.0, 0.01, 0.5], metavar="C,C,...",
                        help="initial constants in (e) (default 0.0,0.01,0.5)")
    parser.add_argument("--threads", type=threads_list, default=[1, 2], metavar="N,N,...",
                        help="torch.set_num_threads values in (e) (default 1,2)")
    parser.add_argument("--steps", type=positive_int, default=50, help="SGD steps in (e) (default 50)")
    parser.add_argument("--samples", type=positive_int, default=10000, help="samples in (e) (default 10000)")
    args = parser.parse_args(argv)
    if args.seed == args.seed2:
        parser.error(f"--seed2 {args.seed2}: must differ from --seed to show that the biases depend on the seed")
    if args.json:
        check_output_path(parser, "--json", args.json)
    if args.flat:
        check_output_path(parser, "--flat", args.flat)
    article = args.article if args.article is not None else DEFAULT_ARTICLE
    if args.article is not None and not os.path.isfile(article):
        parser.error(f"--article: '{article}' is not a readable file")

    try:
        import torch
    except ImportError as e:
        print(f"article_code_checks.py: PyTorch is not importable: {e}", file=sys.stderr)
        return 3

    t0 = time.perf_counter()
    failed = False
    facts = {"torch_version": torch.__version__, "python": sys.version.split()[0],
             "default_threads": torch.get_num_threads(), "cpu_count": os.cpu_count(),
             "build": torch_build_info(torch)}

    if os.path.isfile(article):
        block = article_code_block(article)
        if block is None:
            facts["article_code"] = {"path": article, "status": "no code block with 'import torch' found"}
            failed = True
        else:
            ok = {}
            for name, snippet in (("setup", ARTICLE_SETUP), ("step", ARTICLE_STEP), ("test", ARTICLE_TEST)):
                good, missing = lines_in_order(snippet, block)
                ok[name] = good if good else f"line not found: {missing!r}"
            matches = all(v is True for v in ok.values())
            facts["article_code"] = {"path": article, "status": "embedded code matches the article" if matches
                                     else "embedded code DOES NOT match the article", "snippets": ok}
            failed |= not matches
    else:
        facts["article_code"] = {"path": article, "status": f"not checked ({article} missing)"}

    sections = [("a", lambda: check_a(torch, args.seed)),
                ("b", lambda: check_b(torch, args.seed, args.seed2, args.epochs)),
                ("c", lambda: check_c(torch, args.points)),
                ("d", check_d),
                ("e", lambda: check_e(torch, args.constants, args.threads, args.steps, args.samples, 0.1)),
                ("f", lambda: check_f(torch, args.seed, args.epochs))]
    for key, fn in sections:
        try:
            facts[key] = fn()
        except Exception as e:  # record and go on; exit 1 at the end
            facts[key] = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
            failed = True
    facts["seconds"] = time.perf_counter() - t0

    for line in report(facts):
        print(line)
    if args.json:
        try:
            write_json_atomic(args.json, facts, indent=1)
        except (OSError, ValueError) as e:
            print(f"{PROG}: --json: cannot write '{args.json}': {e}", file=sys.stderr)
            return EXIT_FAIL
    if args.flat:
        tmp = args.flat + ".tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write("\n".join(flatten(facts)) + "\n")
            os.replace(tmp, args.flat)
        except OSError as e:
            print(f"{PROG}: --flat: cannot write '{args.flat}': {e}", file=sys.stderr)
            return EXIT_FAIL
    if failed:
        print(f"{PROG}: FAILED: see the ERROR lines / article_code status above", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
