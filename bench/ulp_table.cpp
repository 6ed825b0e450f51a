// gradaudit_ulp_table: max / median ULP error of gradaudit's double functions, and of the
// naive double formulas, against the 50-digit reference (the same gradaudit function
// instantiated on ref_t), over a fixed, replayable sample. Prints a Markdown table.
//
//   gradaudit_ulp_table [--n N] [--seed S]
//
// The x (and z) sample is half `gen::any_finite()` (every binade of the double line) and
// half `gen::real_in(-750, 750)` (the range where sigmoid and friends are neither 0, 1 nor
// linear, down to their subnormal results); ŷ is drawn from `gen::probability()`.
// Inputs whose reference value is NaN or ±inf are skipped and counted.

#include "naive.hpp"

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "gradaudit/scalar.hpp"
#include "gradaudit/softmax.hpp"
#include "gradaudit/count_nll.hpp"
#include "gradaudit/divergence.hpp"
#include "gradaudit/focal.hpp"
#include "gradaudit/logsumexp.hpp"
#include "gradaudit/robust.hpp"
#include "gradaudit/softplus.hpp"
#include "gradaudit/testing/generators.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace {

using gradaudit::ref_t;
namespace ga = gradaudit;
namespace gt = gradaudit::testing;
namespace naive = gradaudit::bench::naive;

/// One candidate implementation of a function, and the errors it made.
struct candidate {
  std::string formula;
  std::function<double(double)> f;
  std::vector<double> errors{};
  double worst_error = -1;
  double worst_input = std::numeric_limits<double>::quiet_NaN();
};

/// A function on one sample, its reference, and the candidates measured against it.
struct function_case {
  std::string function;
  std::string input_name;  // "x", "z" or "yhat"
  const std::vector<double>* inputs;
  std::function<ref_t(const ref_t&)> reference;
  std::vector<candidate> candidates;
  std::size_t skipped = 0;
};

void measure(function_case& c) {
  for (const double x : *c.inputs) {
    const ref_t exact = c.reference(ref_t(x));
    if (ga::detail::is_nan(exact) || ga::detail::is_inf(exact)) {
      ++c.skipped;
      continue;
    }
    for (auto& k : c.candidates) {
      const double e = gt::ulp_distance<double>(k.f(x), exact);
      k.errors.push_back(e);
      if (e > k.worst_error) {
        k.worst_error = e;
        k.worst_input = x;
      }
    }
  }
}

std::string fmt_ulp(double u) {
  if (std::isinf(u)) return "inf";
  char buf[32];
  if (u == 0) return "0";
  if (u < 1e-3)
    std::snprintf(buf, sizeof buf, "%.1e", u);
  else if (u < 1e4)
    std::snprintf(buf, sizeof buf, "%.3f", u);
  else
    std::snprintf(buf, sizeof buf, "%.3g", u);
  return buf;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  const double hi = *mid;
  const double lo = *std::max_element(v.begin(), mid);
  return lo + (hi - lo) / 2;
}

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

int usage(const char* argv0, int rc) {
  (rc == 0 ? std::cout : std::cerr)
      << "usage: " << argv0 << " [--n N] [--seed S] [--near-root M]\n"
      << "  --n N     sample size per function (default 20000)\n"
      << "  --seed S  seed of the sample (default 1)\n"
      << "  --near-root M  also M inputs near the root of the soft-target gradients (default 0)\n";
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 20000, near_root = 0;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") return usage(argv[0], 0);
    if ((a == "--n" || a == "--seed" || a == "--near-root") && i + 1 < argc) {
      const std::string_view v = argv[++i];
      const bool ok = a == "--n"      ? parse_int(v, n) && n > 0
                      : a == "--seed" ? parse_int(v, seed)
                                      : parse_int(v, near_root);
      if (!ok) {
        std::cerr << argv[0] << ": bad value for " << a << ": '" << v << "'\n";
        return usage(argv[0], 2);
      }
      continue;
    }
    std::cerr << argv[0] << ": unknown or incomplete argument '" << a << "'\n";
    return usage(argv[0], 2);
  }

  // The fixed sample. Every sub-sample gets its own seed derived from --seed.
  std::vector<double> xs = gt::gen::sample(gt::gen::any_finite(), n / 2, seed);
  {
    const auto mid = gt::gen::sample(gt::gen::real_in(-750, 750), n - n / 2, seed + 1);
    xs.insert(xs.end(), mid.begin(), mid.end());
  }
  const std::vector<double> yhats = gt::gen::sample(gt::gen::probability(), n, seed + 2);

  std::vector<function_case> cases;
  cases.push_back({"sigmoid",
                   "x",
                   &xs,
                   [](const ref_t& x) { return ga::sigmoid<ref_t>(x); },
                   {{"gradaudit::sigmoid", [](double x) { return ga::sigmoid<double>(x); }},
                    {"naive 1/(1+exp(-x))", [](double x) { return naive::sigmoid(x); }}}});
  cases.push_back(
      {"sigmoid_grad",
       "x",
       &xs,
       [](const ref_t& x) { return ga::sigmoid_grad<ref_t>(x); },
       {{"gradaudit::sigmoid_grad", [](double x) { return ga::sigmoid_grad<double>(x); }},
        {"naive s*(1-s)", [](double x) { return naive::sigmoid_grad(x); }}}});
  cases.push_back({"log_sigmoid",
                   "x",
                   &xs,
                   [](const ref_t& x) { return ga::log_sigmoid<ref_t>(x); },
                   {{"gradaudit::log_sigmoid", [](double x) { return ga::log_sigmoid<double>(x); }},
                    {"naive log(1/(1+exp(-x)))", [](double x) { return naive::log_sigmoid(x); }}}});
  for (const double y : {0.0, 1.0}) {
    const std::string suffix = y == 0 ? " (y=0)" : " (y=1)";
    cases.push_back({"bce_with_logits" + suffix,
                     "z",
                     &xs,
                     [y](const ref_t& z) { return ga::bce_with_logits<ref_t>(z, ref_t(y)); },
                     {{"gradaudit::bce_with_logits",
                       [y](double z) { return ga::bce_with_logits<double>(z, y); }},
                      {"PyTorch max(z,0)-z*y+log1p(exp(-|z|))",
                       [y](double z) { return naive::bce_with_logits(z, y); }}}});
  }
  for (const double y : {0.0, 1.0}) {
    const std::string suffix = y == 0 ? " (y=0)" : " (y=1)";
    cases.push_back({"bce_with_logits_grad" + suffix,
                     "z",
                     &xs,
                     [y](const ref_t& z) { return ga::bce_with_logits_grad<ref_t>(z, ref_t(y)); },
                     {{"gradaudit::bce_with_logits_grad",
                       [y](double z) { return ga::bce_with_logits_grad<double>(z, y); }},
                      {"naive 1/(1+exp(-z)) - y",
                       [y](double z) { return naive::bce_with_logits_grad(z, y); }}}});
  }
  for (const double y : {0.0, 1.0}) {
    const std::string suffix = y == 0 ? " (y=0)" : " (y=1)";
    cases.push_back(
        {"bce" + suffix,
         "yhat",
         &yhats,
         [y](const ref_t& p) { return ga::bce<ref_t>(p, ref_t(y)); },
         {{"gradaudit::bce", [y](double p) { return ga::bce<double>(p, y); }},
          {"naive -(y*log(p)+(1-y)*log(1-p))", [y](double p) { return naive::bce(p, y); }}}});
  }
  // Soft targets: y in [0, 1) drawn from the input's bits (uniform, fixed per input), so that
  // each row stays a function of one input.
  const auto soft = [](double x) {
    const std::uint64_t b = std::bit_cast<std::uint64_t>(x) * 0x9e3779b97f4a7c15ULL;
    return static_cast<double>(b >> 11) * 0x1p-53;
  };
  cases.push_back({"bce_with_logits (soft y)",
                   "z",
                   &xs,
                   [soft](const ref_t& z) {
                     return ga::bce_with_logits<ref_t>(z, ref_t(soft(static_cast<double>(z))));
                   },
                   {{"gradaudit::bce_with_logits",
                     [soft](double z) { return ga::bce_with_logits<double>(z, soft(z)); }},
                    {"PyTorch max(z,0)-z*y+log1p(exp(-|z|))",
                     [soft](double z) { return naive::bce_with_logits(z, soft(z)); }}}});
  cases.push_back({"bce_with_logits_grad (soft y)",
                   "z",
                   &xs,
                   [soft](const ref_t& z) {
                     return ga::bce_with_logits_grad<ref_t>(z, ref_t(soft(static_cast<double>(z))));
                   },
                   {{"gradaudit::bce_with_logits_grad",
                     [soft](double z) { return ga::bce_with_logits_grad<double>(z, soft(z)); }},
                    {"naive 1/(1+exp(-z)) - y",
                     [soft](double z) { return naive::bce_with_logits_grad(z, soft(z)); }}}});
  cases.push_back(
      {"bce (soft y)",
       "yhat",
       &yhats,
       [soft](const ref_t& p) { return ga::bce<ref_t>(p, ref_t(soft(static_cast<double>(p)))); },
       {{"gradaudit::bce", [soft](double p) { return ga::bce<double>(p, soft(p)); }},
        {"naive -(y*log(p)+(1-y)*log(1-p))",
         [soft](double p) { return naive::bce(p, soft(p)); }}}});
  for (const int y : {0, 1, -1}) {
    const std::string suffix = y == 0 ? " (y=0)" : y == 1 ? " (y=1)" : " (soft y)";
    const auto target = [soft, y](double p) { return y >= 0 ? double(y) : soft(p); };
    cases.push_back(
        {"bce_grad" + suffix,
         "yhat",
         &yhats,
         [target](const ref_t& p) {  // (ŷ - y)/(ŷ(1 - ŷ)), exact numerator, 168-bit quotient
           const ref_t y(target(static_cast<double>(p)));
           return (p - y) / (p * (1 - p));
         },
         {{"gradaudit::bce_grad",
           [target](double p) { return ga::bce_grad<double>(p, target(p)); }},
          {"naive -y/p+(1-y)/(1-p)",
           [target](double p) { return naive::bce_grad(p, target(p)); }}}});
  }
  cases.push_back({"tanh",
                   "x",
                   &xs,
                   [](const ref_t& x) { return ga::tanh<ref_t>(x); },
                   {{"gradaudit::tanh", [](double x) { return ga::tanh<double>(x); }},
                    {"std::tanh", [](double x) { return std::tanh(x); }}}});
  cases.push_back({"tanh_grad",
                   "x",
                   &xs,
                   [](const ref_t& x) { return ga::tanh_grad<ref_t>(x); },
                   {{"gradaudit::tanh_grad", [](double x) { return ga::tanh_grad<double>(x); }},
                    {"naive 1-tanh(x)^2", [](double x) { return naive::tanh_grad(x); }}}});

  // Softmax cross-entropy along one line through logit space: z = (x, 0, …, 0), class 0, for
  // K = 2 and 10: the true class dominates for large x (where logsumexp - z_y cancels), is
  // dominated for very negative x.
  for (const int k : {2, 10}) {
    const std::string name = "softmax_ce (K=" + std::to_string(k) + ", z=(x,0…), y=0)";
    cases.push_back({name,
                     "x",
                     &xs,
                     [k](const ref_t& x) {
                       std::vector<ref_t> z(static_cast<std::size_t>(k), ref_t(0));
                       z[0] = x;
                       return ga::softmax_cross_entropy<ref_t>(z, 0);
                     },
                     {{"gradaudit::softmax_cross_entropy",
                       [k](double x) {
                         std::vector<double> z(static_cast<std::size_t>(k), 0.0);
                         z[0] = x;
                         return ga::softmax_cross_entropy<double>(z, 0);
                       }},
                      {"naive logsumexp(z) - z_y", [k](double x) {
                         std::vector<double> z(static_cast<std::size_t>(k), 0.0);
                         z[0] = x;
                         return naive::softmax_cross_entropy(z, 0);
                       }}}});
  }

  // Near the root of the soft-target gradients (--near-root M): bce_grad at ŷ = y ± k ULP
  // (|k| <= 4), ŷ in [0, 1], and σ(z) - y at y = RN(σ(z)) ± k ULP (k = 0: the exact root
  // neighbourhood, |σ(z) - y| below half an ULP of y); M inputs each. z: 3/5 in [-40, 40],
  // 1/5 in [-745, -40] (σ(z) down to the subnormals) and 1/5 tiny, z = m·2^-51 with
  // 0 < |m| < 2^23, where RN(σ(z)) = 1/2 + z/4 exactly and σ(z) - y = -z³/48 + … for k = 0.
  std::vector<double> root_inputs, logit_root_inputs;
  if (near_root > 0) {
    root_inputs = gt::gen::sample(gt::gen::real_in(-40, 40), near_root, seed + 3);
    const std::size_t n_mid = near_root * 3 / 5, n_low = near_root / 5,
                      n_tiny = near_root - n_mid - n_low;
    logit_root_inputs.assign(root_inputs.begin(),
                             root_inputs.begin() + static_cast<std::ptrdiff_t>(n_mid));
    for (const double z : gt::gen::sample(gt::gen::real_in(-745, -40), n_low, seed + 4))
      logit_root_inputs.push_back(z);
    for (const double t : gt::gen::sample(gt::gen::real_in(-0x1p-28, 0x1p-28), n_tiny, seed + 5)) {
      const double m = std::round(t * 0x1p51);
      logit_root_inputs.push_back((m == 0 ? 1 : m) * 0x1p-51);
    }
  }
  const auto nudge = [](double v, double x) {  // ±k ULP, k from the input's bits
    const int k = static_cast<int>((std::bit_cast<std::uint64_t>(x) >> 7) % 9) - 4;
    for (int i = 0; i != k; i += k > 0 ? 1 : -1) v = std::nextafter(v, k > 0 ? 2.0 : -1.0);
    return std::clamp(v, 0.0, 1.0);
  };
  if (near_root > 0) {
    const auto p_of = [](double x) { return (x + 40) / 80; };  // ŷ in [0, 1]
    cases.push_back({"bce_grad near the root (y = ŷ ± k ULP)",
                     "x",
                     &root_inputs,
                     [=](const ref_t& xr) {
                       const double x = static_cast<double>(xr), p = p_of(x);
                       const ref_t y(nudge(p, x)), P(p);
                       return (P - y) / (P * (1 - P));
                     },
                     {{"gradaudit::bce_grad",
                       [=](double x) {
                         const double p = p_of(x);
                         return ga::bce_grad<double>(p, nudge(p, x));
                       }},
                      {"naive -y/p+(1-y)/(1-p)", [=](double x) {
                         const double p = p_of(x);
                         return naive::bce_grad(p, nudge(p, x));
                       }}}});
    cases.push_back(
        {"bce_with_logits_grad near the root (y = σ(z) ± k ULP)",
         "z",
         &logit_root_inputs,
         [=](const ref_t& z) {  // |z| < 1: tanh(z/2)/2 - (y - 1/2), which keeps the z³/48 of tiny z
           const double zd = static_cast<double>(z);
           const ref_t y(nudge(ga::sigmoid<double>(zd), zd));
           if (abs(z) < 1) return tanh(z / 2) / 2 - (y - ref_t(0.5));
           return ga::sigmoid<ref_t>(z) - y;
         },
         {{"gradaudit::bce_with_logits_grad",
           [=](double z) {
             return ga::bce_with_logits_grad<double>(z, nudge(ga::sigmoid<double>(z), z));
           }},
          {"naive 1/(1+exp(-z)) - y", [=](double z) {
             return naive::bce_with_logits_grad(z, nudge(ga::sigmoid<double>(z), z));
           }}}});
  }

  // ---- The loss vocabulary (softplus.hpp … count_nll.hpp): one row per function, gradaudit only
  // (the naive forms are the definitions the formula language prints). Vectors lie on lines
  // through the input x, as for softmax CE above. Kept apart from the rows above.
  {
    const auto one = [](auto f) { return std::function<double(double)>(f); };
    const auto row = [&](std::string name, const std::vector<double>* in, std::string input,
                         std::function<ref_t(const ref_t&)> ref, std::function<double(double)> f) {
      cases.push_back({std::move(name),
                       std::move(input),
                       in,
                       std::move(ref),
                       {{"gradaudit (vocabulary)", std::move(f)}}});
    };
    row(
        "softplus", &xs, "x", [](const ref_t& x) { return ga::softplus<ref_t>(x); },
        one([](double x) { return ga::softplus(x); }));
    row(
        "softplus_grad", &xs, "x", [](const ref_t& x) { return ga::softplus_grad<ref_t>(x); },
        one([](double x) { return ga::softplus_grad(x); }));
    row(
        "log_sigmoid_grad", &xs, "x", [](const ref_t& x) { return ga::log_sigmoid_grad<ref_t>(x); },
        one([](double x) { return ga::log_sigmoid_grad(x); }));
    const auto line3 = [](auto x) {
      using T = decltype(x);
      return std::vector<T>{x, T(0), T(1)};
    };
    row(
        "softmax_i (z=(x,0,1), i=1)", &xs, "x",
        [=](const ref_t& x) { return ga::softmax_i<ref_t>(line3(x), 1); },
        one([=](double x) { return ga::softmax_i<double>(line3(x), 1); }));
    row(
        "softmax_i (z=(x,0,1), i=0)", &xs, "x",
        [=](const ref_t& x) { return ga::softmax_i<ref_t>(line3(x), 0); },
        one([=](double x) { return ga::softmax_i<double>(line3(x), 0); }));
    row(
        "log_softmax_i (z=(x,0,1), i=2)", &xs, "x",
        [=](const ref_t& x) { return ga::log_softmax_i<ref_t>(line3(x), 2); },
        one([=](double x) { return ga::log_softmax_i<double>(line3(x), 2); }));
    row(
        "logsumexp (z=(x,0,1))", &xs, "x",
        [=](const ref_t& x) { return ga::logsumexp<ref_t>(line3(x)); },
        one([=](double x) { return ga::logsumexp<double>(line3(x)); }));
    row(
        "cross_entropy soft (z=(x,0,1), y=(s,1-s,0))", &xs, "x",
        [=](const ref_t& x) {
          const double y = soft(static_cast<double>(x));
          return ga::cross_entropy<ref_t>(line3(x),
                                          std::vector<ref_t>{ref_t(y), ref_t(1 - y), ref_t(0)});
        },
        one([=](double x) {
          const double y = soft(x);
          return ga::cross_entropy<double>(line3(x), std::vector<double>{y, 1 - y, 0});
        }));
    row(
        "label_smoothing (z=(x,0,1), c=0, eps=0.1)", &xs, "x",
        [=](const ref_t& x) { return ga::label_smoothing<ref_t>(line3(x), 0, ref_t(0.1)); },
        one([=](double x) { return ga::label_smoothing<double>(line3(x), 0, 0.1); }));
    row(
        "kl ((p,1-p) ‖ (0.3,0.7))", &yhats, "yhat",
        [](const ref_t& p) {
          const double pd = static_cast<double>(p);
          return ga::kl<ref_t>(std::vector<ref_t>{p, ref_t(1 - pd)},
                               std::vector<ref_t>{ref_t(0.3), ref_t(0.7)});
        },
        one([](double p) {
          return ga::kl<double>(std::vector<double>{p, 1 - p}, std::vector<double>{0.3, 0.7});
        }));
    row(
        "huber (yhat=0, y=x, delta=1)", &xs, "x",
        [](const ref_t& x) { return ga::huber<ref_t>(ref_t(0), x, ref_t(1)); },
        one([](double x) { return ga::huber(0.0, x, 1.0); }));
    row(
        "smooth_l1 (yhat=0, y=x, beta=0.5)", &xs, "x",
        [](const ref_t& x) { return ga::smooth_l1<ref_t>(ref_t(0), x, ref_t(0.5)); },
        one([](double x) { return ga::smooth_l1(0.0, x, 0.5); }));
    row(
        "hinge (y=1)", &xs, "z", [](const ref_t& z) { return ga::hinge<ref_t>(z, ref_t(1)); },
        one([](double z) { return ga::hinge(z, 1.0); }));
    for (const double y : {0.0, 1.0}) {
      const std::string suffix =
          y == 0 ? " (y=0, gamma=2, alpha=0.25)" : " (y=1, gamma=2, alpha=0.25)";
      row(
          "focal" + suffix, &xs, "z",
          [y](const ref_t& z) { return ga::focal<ref_t>(z, ref_t(y), ref_t(2), ref_t(0.25)); },
          one([y](double z) { return ga::focal(z, y, 2.0, 0.25); }));
    }
    row(
        "focal (soft y, gamma=2, alpha=0.25)", &xs, "z",
        [=](const ref_t& z) {
          return ga::focal<ref_t>(z, ref_t(soft(static_cast<double>(z))), ref_t(2), ref_t(0.25));
        },
        one([=](double z) { return ga::focal(z, soft(z), 2.0, 0.25); }));
    row(
        "bce_with_logits (soft y, pos_weight=3)", &xs, "z",
        [=](const ref_t& z) {
          return ga::bce_with_logits<ref_t>(z, ref_t(soft(static_cast<double>(z))), ref_t(3));
        },
        one([=](double z) { return ga::bce_with_logits(z, soft(z), 3.0); }));
    row(
        "poisson_nll (y=0.5)", &xs, "z",
        [](const ref_t& z) { return ga::poisson_nll<ref_t>(z, ref_t(0.5)); },
        one([](double z) { return ga::poisson_nll(z, 0.5); }));
    row(
        "gaussian_nll (mu=0, y=x, var=2)", &xs, "x",
        [](const ref_t& x) { return ga::gaussian_nll<ref_t>(ref_t(0), x, ref_t(2)); },
        one([](double x) { return ga::gaussian_nll(0.0, x, 2.0); }));
  }

  for (auto& c : cases) measure(c);

  std::cout << "ULP error vs the 50-digit reference (ref_t), n = " << n << ", seed = " << seed
            << " (replay: gradaudit_ulp_table --n " << n << " --seed " << seed << ")\n"
            << "x, z: " << n / 2 << " from any_finite() + " << n - n / 2
            << " from real_in(-750, 750); yhat: " << n << " from probability()\n\n";
  std::cout
      << "| function | implementation | max ULP | median ULP | > 0.5+2^-11 | > 1 ULP | worst input "
         "| skipped |\n"
      << "|---|---|---:|---:|---:|---:|---|---:|\n";
  for (const auto& c : cases) {
    for (const auto& k : c.candidates) {
      const std::size_t over = static_cast<std::size_t>(
          std::count_if(k.errors.begin(), k.errors.end(), [](double e) { return e > 1; }));
      const std::size_t over_bound = static_cast<std::size_t>(std::count_if(
          k.errors.begin(), k.errors.end(), [](double e) { return e > 0.5 + 0x1p-11; }));
      char frac[32], frac_bound[32];
      std::snprintf(frac, sizeof frac, "%.2f%%",
                    k.errors.empty() ? 0.0 : 100.0 * double(over) / double(k.errors.size()));
      std::snprintf(frac_bound, sizeof frac_bound, "%.2f%%",
                    k.errors.empty() ? 0.0 : 100.0 * double(over_bound) / double(k.errors.size()));
      const std::string worst =
          k.worst_error > 0 ? c.input_name + " = " + gt::shortest(k.worst_input) : "-";
      std::cout << "| " << c.function << " | `" << k.formula << "` | " << fmt_ulp(k.worst_error)
                << " | " << fmt_ulp(median(k.errors)) << " | " << frac_bound << " | " << frac
                << " | " << worst << " | " << c.skipped << " |\n";
    }
  }
  return 0;
}
