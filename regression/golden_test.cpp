/// \file golden_test.cpp
/// gradaudit_regression: every function against the checked-in golden tables in
/// regression/data/*.csv (written by regression/generate_reference.cpp, which evaluates the
/// textbook formulas in mpfr_float_100 independently of lib/'s kernels).
///
/// For each row two checks:
///  (a) the `double` function is within its bound, in ULPs, of the stored value;
///  (b) the `ref_t` function is within a derived absolute bound of the stored value.
/// Each test prints one summary line per function (max ULP error and the worst input, max
/// relative error of ref_t and its input) so that the regression log carries the figures.
/// A table that is missing, malformed or empty fails its test.
///
/// ----------------------------------------------------------------------------------------
/// Notation and the error of the stored values
/// ----------------------------------------------------------------------------------------
///   u   = 2^-168, the unit roundoff of ref_t (MPFR rounds +, -, *, /, exp, log, log1p
///         correctly, so each costs at most a relative u);
///   u_L = 2^-64, the unit roundoff of x86-64 long double (the double path's working type);
///   f   = the exact value; v = the stored value.
/// The generator rounds its 100-digit value to 50 significant digits (<= half a unit in the
/// 50th digit: relative 5e-50) and its 100-digit value agrees with a different formula at 150
/// digits to 1e-55 relative, so
///     |v - f| <= kStoredRel·|f|,   kStoredRel = 5e-50 + 1e-55.
/// Parsing v into ref_t rounds once more (mpfr_set_str is correctly rounded): + u·|v|, which
/// the bounds below include. The one exception is a value below MPFR's exponent range
/// (|f| < 2^(emin-1), emin = 1 - 2^30), stored as 0: both the generator and ref_t flush such
/// values to 0 or 2^(emin-1), so every ref_t comparison allows an absolute 2^emin as well.
///
/// ----------------------------------------------------------------------------------------
/// (a) Bounds for the double path
/// ----------------------------------------------------------------------------------------
/// sigmoid, sigmoid_grad, log_sigmoid, tanh_grad: 1 ULP, the accuracy documented in
///   activation.hpp for every finite input. bce_with_logits and bce_with_logits_grad with
///   y in {0, 1}: 1 ULP, documented in loss.hpp. bce: 1 ULP, the project-wide claim for the
///   double path (loss.hpp states none for bce); the derivation below gives 0.508.
/// The stored value's own error moves the measured distance by at most
///   kStoredRel·|f|/ulp(f) < kStoredRel·2^53 < 1e-33 ULP,
/// below the resolution of the double-valued distance near 1, so it is not added to the
/// documented 1-ULP bounds.
///
/// For the cases the library does not document, the bound is derived per row. Write g~ for the
/// long double value before the final rounding. The double nearest g is within 0.5 ulp(g) of
/// g, hence within 0.5 ulp(g) + |g~ - g| of g~, and the double nearest g~ (the result) is no
/// farther from g~; so |result - g| <= 0.5 ulp(g) + 2|g~ - g|, and against the stored v:
///     bound_ulps = 0.5 + (2|g~ - g| + kStoredRel·|g|) / ulp(v)        (*)
/// (ulp(v) = ulp(g) unless f lies within 5e-50 relative of a power of two without being one).
/// The libm errors used are glibc's published maxima for x86-64 long double
/// (sysdeps/x86_64/fpu/libm-test-ulps, round-to-nearest): expl 1 ulp, logl 1 ulp, log1pl
/// 2 ulp; one ulp of a long double is at most 2^-63 of the value.
///
/// bce_with_logits, y in (0, 1). In long double the kernel computes
///   softplus(t) = log1p(exp(t))                  (t <= 0): 2^-63 + 2^-62      = 3·2^-63,
///               = -((-t) - log1p(exp(-t)))        (t > 0):  3·2^-63 + u_L     = 3.5·2^-63
///   (log1p's condition number w/((1+w)log1p(w)) is <= 1, and -t, -log1p(..) have one sign),
///   y·softplus(-z): + u_L; (1-y): u_L; (1-y)·softplus(z): + u_L; the sum of the two
///   non-negative terms: + u_L. In all <= 3.5·2^-63 + 3·u_L = 5·2^-63 relative, to first
///   order; kLogitsWorkRel = 6·2^-63 covers the second-order terms. With |g~ - g| <=
///   kLogitsWorkRel·|g|, (*) gives 0.5 + (12·2^-63 + 5e-50)·|g|/ulp(g) <= 0.5 + 12·2^-10
///   = 0.512 ULP (|g|/ulp(g) < 2^53, subnormal results included).
///
/// bce_with_logits_grad, y in (0, 1). sigmoid_kernel in long double: for z >= 0, 1/(1+e),
///   e = exp(-z) <= 1: exp 2^-63, 1+e: 2^-63·e/(1+e) + u_L <= 2^-63, the division + u_L:
///   1.5·2^-63; for z < 0, e/(1+e), e = exp(z) < 1: numerator 2^-63, 1+e: 2^-63/2 + u_L,
///   the division + u_L: 2.5·2^-63. kSigmoidWorkRel = 3·2^-63 covers both and the
///   second-order terms. Then s~ - y rounds once more:
///     |g~ - g| <= B = kSigmoidWorkRel·s + u_L·(|g| + kSigmoidWorkRel·s),   s = sigma(z).
///   In (*) this is the relative error that the condition number s/|s - y| of the subtraction
///   (equivalently, of g with respect to y) implies: large where s - y cancels, near
///   z = logit(y) (before the tanh branch, also at y = 1/2 for z -> 0: see the history note).
///
/// bce (the 1-ULP bound, checked against (*)): log(yhat) 2^-63, y·log: + u_L; -yhat exact,
///   log1p(-yhat) 2^-62, (1-y) u_L, the product + u_L; the two terms are non-negative, their
///   sum + u_L: <= 2^-62 + 3·u_L = 3.5·2^-63 relative (first order) < 4·2^-63, so (*) gives
///   0.5 + 8·2^-63·2^53 = 0.508 ULP <= 1.
///
/// ----------------------------------------------------------------------------------------
/// (b) Bounds for the ref_t path (the library's kernels evaluated in ref_t)
/// ----------------------------------------------------------------------------------------
/// If ref_t returns f(1 + r) with |r| <= k·u, then
///     |ref - v| <= |ref - f| + |f - v| <= (k·u + kStoredRel)·|f|,  |f| <= |v|/(1 - kStoredRel),
/// plus u·|v| for parsing v, plus 2^emin. k counts the correctly rounded operations, first
/// order, + 1 for the second-order terms (all inputs are exact: doubles convert exactly):
///   sigmoid       x >= 0: exp u; 1+e: u·e/(1+e) + u <= 1.5u; 1/(..): + u        -> 2.5u
///                 x < 0: e/(1+e): u + 1.5u + u                                   -> 3.5u, k = 5
///   sigmoid_grad  e = exp(-|x|): u; d = 1+e: 1.5u; d·d: 2·1.5u + u = 4u;
///                 e/(d·d): u + 4u + u                                            -> 6u,   k = 7
///   log_sigmoid   x >= 0: -log1p(exp(-x)): u + u (condition of log1p <= 1)       -> 2u
///                 x < 0: x - log1p(exp(x)), both terms <= 0: 2u + u              -> 3u,   k = 4
///   tanh_grad     4·sigmoid_grad_kernel(2x): 2x and ·4 are exact                 -> 6u,   k = 7
///   bce_with_logits  softplus: 3u; y·sp: 4u; (1-y): u; (1-y)·sp: 5u;
///                 sum of two non-negative terms: + u                             -> 6u,   k = 7
///   bce           y·log(yhat): 2u; (1-y)·log1p(-yhat): 3u (-yhat exact);
///                 sum of two non-negative terms: + u                             -> 4u,   k = 5
///   bce_with_logits_grad  y = 0: sigmoid(z); y = 1: -sigmoid(-z)               -> 3.5u, k = 5
///                 y in (0, 1): s~ = s(1 + 4u), s~ - y + u·|g|: the absolute bound
///                 (5·s + 2·|g|)·u + kStoredRel·|g| (the cancellation again).
/// For scale: k·u <= 7·2^-168 ~ 1.9e-50, below the 5e-50 of the stored rounding; the whole
/// bound is ~7e-50 relative, i.e. ref_t must agree with the data to ~49 digits.

#include "golden_csv.hpp"

#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "gradaudit/testing/ulp.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <mpfr.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef GRADAUDIT_DATA_DIR
#error "GRADAUDIT_DATA_DIR must name the directory of the golden tables"
#endif

namespace {

using gradaudit::ref_t;
using gradaudit::regression::golden_csv_error;
using gradaudit::regression::golden_row;
using gradaudit::regression::golden_table;
using gradaudit::regression::load_golden_csv;
using gradaudit::regression::parse_golden_csv;
using gradaudit::testing::ulp_distance;
using gradaudit::testing::ulp_of;

const ref_t kStoredRel = ref_t("5e-50") + ref_t("1e-55");
const ref_t kU = gradaudit::testing::ref_unit_roundoff();  // 2^-168
const ref_t kUL = ldexp(ref_t(1), -64);                    // long double unit roundoff
const ref_t kLogitsWorkRel = 6 * ldexp(ref_t(1), -63);
const ref_t kSigmoidWorkRel = 3 * ldexp(ref_t(1), -63);
/// Values below MPFR's exponent range are 0 or 2^(emin-1) in both the data and ref_t.
const ref_t kUnderflowFloor = ldexp(ref_t(1), static_cast<int>(mpfr_get_emin()));

constexpr double kDocumentedUlps = 1.0;
constexpr int kMaxReportedFailures = 15;

bool is_label(double y) { return y == 0.0 || y == 1.0; }

/// How one table is checked.
struct golden_spec {
  std::string name;                  ///< table (file stem) and function name
  std::vector<std::string> columns;  ///< expected input columns
  std::function<double(const std::vector<double>&)> f_double;
  std::function<ref_t(const std::vector<ref_t>&)> f_ref;
  /// (a) bound in ULPs against the stored value v.
  std::function<double(const golden_row&)> ulp_bound;
  /// (b) bound on |ref - v|, before the parse and underflow terms are added.
  std::function<ref_t(const golden_row&)> ref_bound;
  /// Rows are reported in groups (e.g. "y in {0,1}" and "y in (0,1)"); one group if empty.
  std::function<std::string(const golden_row&)> group = nullptr;
  /// Optional, informational only (never fails): a second ULP bound, e.g. what a library
  /// comment implies; rows above it are counted and the worst is printed.
  std::function<double(const golden_row&)> info_bound = nullptr;
  std::string info_label = "";
};

/// (k·u + kStoredRel)·|v|/(1 - kStoredRel).
ref_t relative_ref_bound(int k, const ref_t& v) {
  return (k * kU + kStoredRel) * abs(v) / (1 - kStoredRel);
}

/// (*) for a working-precision error bound B on |g~ - g|.
double derived_ulp_bound(const ref_t& B, const ref_t& v) {
  const ref_t g = abs(v) / (1 - kStoredRel);
  const ref_t b = ref_t(0.5) + (2 * B + kStoredRel * g) / ulp_of<double>(v);
  return b > ref_t(std::numeric_limits<double>::max()) ? std::numeric_limits<double>::infinity()
                                                       : static_cast<double>(b);
}

std::string show_inputs(const golden_spec& spec, const std::vector<double>& in) {
  std::ostringstream os;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char hex[64];
    std::snprintf(hex, sizeof hex, "%a", in[i]);
    os << (i ? ", " : "") << spec.columns[i] << "=" << hex << " ("
       << gradaudit::testing::shortest(in[i]) << ")";
  }
  return os.str();
}

std::string g4(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

struct group_stats {
  std::size_t rows = 0;
  double max_ulps = -1;
  double bound_at_max = 0;
  std::string worst_ulps;
  double max_ratio = -1;  ///< max ULPs/bound (differs from max ULPs when bounds vary per row)
  std::string worst_ratio;
  ref_t max_ref_rel = -1;  ///< max |ref - v|/|v| over rows with v != 0 finite
  std::string worst_ref_rel;
  double max_ref_ratio = -1;  ///< max |ref - v|/bound
  std::string worst_ref_ratio;
  std::size_t info_over = 0;
  double info_worst = -1;
  std::string info_worst_input;
};

/// Runs both checks on every row of `dir`/`spec.name`.csv and prints the summary lines.
void run_golden(const golden_spec& spec, const std::string& dir = GRADAUDIT_DATA_DIR) {
  const std::string path = dir + "/" + spec.name + ".csv";
  golden_table t;
  try {
    t = load_golden_csv(path);
  } catch (const golden_csv_error& e) {
    FAIL() << e.what();
  }
  ASSERT_EQ(t.input_columns, spec.columns) << path << ": unexpected header";
  ASSERT_GT(t.rows.size(), 0u) << path
                               << ": no data rows (an empty table is a failure, not a pass)";

  std::vector<std::string> order;
  std::map<std::string, group_stats> stats;
  int failures = 0;           // failed checks
  std::set<int> failed_rows;  // their lines
  auto report = [&](const golden_row& r, const std::string& msg) {
    ++failures;
    failed_rows.insert(r.line);
    if (failures <= kMaxReportedFailures)
      ADD_FAILURE() << path << ":" << r.line << ": " << spec.name << "("
                    << show_inputs(spec, r.inputs) << "): " << msg;
  };

  for (const golden_row& r : t.rows) {
    const std::string g = spec.group ? spec.group(r) : "";
    if (!stats.count(g)) order.push_back(g);
    group_stats& st = stats[g];
    ++st.rows;
    const ref_t& v = r.expected;

    // (a) double
    double got = 0;
    try {
      got = spec.f_double(r.inputs);
    } catch (const std::exception& e) {
      report(r, std::string("double path threw: ") + e.what());
      continue;
    }
    const double d = ulp_distance(got, v);
    const double bound = spec.ulp_bound(r);
    if (!(d <= bound)) {
      report(r, "double = " + gradaudit::testing::shortest(got) + " is " + g4(d) +
                    " ULP from the stored " + r.expected_text + " (bound " + g4(bound) + " ULP)");
    }
    if (d > st.max_ulps) {
      st.max_ulps = d;
      st.bound_at_max = bound;
      st.worst_ulps = show_inputs(spec, r.inputs);
    }
    if (d / bound > st.max_ratio) {
      st.max_ratio = d / bound;
      st.worst_ratio = show_inputs(spec, r.inputs);
    }
    if (spec.info_bound) {
      const double ib = spec.info_bound(r);
      if (d > ib) {
        ++st.info_over;
        if (d / ib > st.info_worst) {
          st.info_worst = d / ib;
          st.info_worst_input = show_inputs(spec, r.inputs) + ": " + g4(d) + " ULP vs " + g4(ib);
        }
      }
    }

    // (b) ref_t
    std::vector<ref_t> rin(r.inputs.begin(), r.inputs.end());
    ref_t ref;
    try {
      ref = spec.f_ref(rin);
    } catch (const std::exception& e) {
      report(r, std::string("ref_t path threw: ") + e.what());
      continue;
    }
    if (gradaudit::detail::is_inf(v) || gradaudit::detail::is_nan(ref)) {
      if (!(ref == v))
        report(r,
               "ref_t = " + gradaudit::testing::to_digits(ref, 50) + ", stored " + r.expected_text);
      continue;
    }
    const ref_t err = abs(ref - v);
    const ref_t rbound = spec.ref_bound(r) + kU * abs(v) + kUnderflowFloor;
    if (!(err <= rbound))
      report(r, "ref_t = " + gradaudit::testing::to_digits(ref, 50) + " differs from the stored " +
                    r.expected_text + " by " + gradaudit::testing::to_digits(err, 3) + " > bound " +
                    gradaudit::testing::to_digits(rbound, 3));
    if (v != 0 && err / abs(v) > st.max_ref_rel) {
      st.max_ref_rel = err / abs(v);
      st.worst_ref_rel = show_inputs(spec, r.inputs);
    }
    const double rr = static_cast<double>(err / rbound);
    if (rr > st.max_ref_ratio) {
      st.max_ref_ratio = rr;
      st.worst_ref_ratio = show_inputs(spec, r.inputs);
    }
  }

  for (const auto& g : order) {
    const group_stats& st = stats[g];
    const std::string name = spec.name + (g.empty() ? "" : " [" + g + "]");
    std::printf("[golden] %-33s %4zu rows | double: max %s ULP (bound %s) at %s", name.c_str(),
                st.rows, g4(st.max_ulps).c_str(), g4(st.bound_at_max).c_str(),
                st.worst_ulps.c_str());
    if (st.worst_ratio != st.worst_ulps)
      std::printf("; max ULP/bound %s at %s", g4(st.max_ratio).c_str(), st.worst_ratio.c_str());
    std::printf(" | ref_t: max rel err %s at %s; max err/bound %s at %s\n",
                gradaudit::testing::to_digits(st.max_ref_rel, 2).c_str(), st.worst_ref_rel.c_str(),
                g4(st.max_ref_ratio).c_str(), st.worst_ref_ratio.c_str());
    if (spec.info_bound && st.info_over > 0)
      std::printf("[golden] %-33s INFO: %zu rows exceed %s; worst %s\n", name.c_str(), st.info_over,
                  spec.info_label.c_str(), st.info_worst_input.c_str());
    const std::string key = g.empty() ? "" : (g == "y in {0,1}" ? "_labels" : "_interior");
    ::testing::Test::RecordProperty("max_ulps" + key, g4(st.max_ulps));
    ::testing::Test::RecordProperty("worst_input" + key, st.worst_ulps);
  }
  std::fflush(stdout);
  EXPECT_EQ(failures, 0) << failed_rows.size() << " of " << t.rows.size() << " rows of " << path
                         << " failed " << failures << " checks (at most the first "
                         << kMaxReportedFailures << " are shown above)";
}

std::string label_group(const golden_row& r) {
  return is_label(r.inputs[1]) ? "y in {0,1}" : "y in (0,1)";
}

double documented(const golden_row&) { return kDocumentedUlps; }

// ------------------------------------------------------------------------------------------
// One test per table.
// ------------------------------------------------------------------------------------------

TEST(Golden, Sigmoid) {
  run_golden({"sigmoid",
              {"x"},
              [](const std::vector<double>& a) { return gradaudit::sigmoid(a[0]); },
              [](const std::vector<ref_t>& a) { return gradaudit::sigmoid(a[0]); },
              documented,
              [](const golden_row& r) { return relative_ref_bound(5, r.expected); }});
}

TEST(Golden, SigmoidGrad) {
  run_golden({"sigmoid_grad",
              {"x"},
              [](const std::vector<double>& a) { return gradaudit::sigmoid_grad(a[0]); },
              [](const std::vector<ref_t>& a) { return gradaudit::sigmoid_grad(a[0]); },
              documented,
              [](const golden_row& r) { return relative_ref_bound(7, r.expected); }});
}

TEST(Golden, LogSigmoid) {
  run_golden({"log_sigmoid",
              {"x"},
              [](const std::vector<double>& a) { return gradaudit::log_sigmoid(a[0]); },
              [](const std::vector<ref_t>& a) { return gradaudit::log_sigmoid(a[0]); },
              documented,
              [](const golden_row& r) { return relative_ref_bound(4, r.expected); }});
}

TEST(Golden, TanhGrad) {
  run_golden({"tanh_grad",
              {"x"},
              [](const std::vector<double>& a) { return gradaudit::tanh_grad(a[0]); },
              [](const std::vector<ref_t>& a) { return gradaudit::tanh_grad(a[0]); },
              documented,
              [](const golden_row& r) { return relative_ref_bound(7, r.expected); }});
}

TEST(Golden, BceWithLogits) {
  run_golden({"bce_with_logits",
              {"z", "y"},
              [](const std::vector<double>& a) { return gradaudit::bce_with_logits(a[0], a[1]); },
              [](const std::vector<ref_t>& a) { return gradaudit::bce_with_logits(a[0], a[1]); },
              [](const golden_row& r) {
                if (is_label(r.inputs[1])) return kDocumentedUlps;
                return derived_ulp_bound(kLogitsWorkRel * abs(r.expected), r.expected);
              },
              [](const golden_row& r) { return relative_ref_bound(7, r.expected); },
              label_group});
}

// History: this table found that the kernel used to form sigma(z) in long double before
// subtracting y, so at y = 1/2 it returned 0 for |z| < ~2^-64 (z = 0x1.79ca10c924223p-67 gave
// 0 instead of 2.5e-21: 100% error where the problem is perfectly conditioned in z). The
// kernel now forms sigma(z) - 1/2 as tanh(z/2)/2 for |z| <= ln 3 and (1 - y) - sigma(-z) for
// z > ln 3; each of its branches errs by at most the B below (|tanh(z/2)/2| <= 1/4 <= s, and
// sigma(-z) <= 1/4 < s), so the bound derived for the old kernel still covers it. The
// informational z-only bound below is now met by every row (no INFO lines).
TEST(Golden, BceWithLogitsGrad) {
  golden_spec spec{
      "bce_with_logits_grad",
      {"z", "y"},
      [](const std::vector<double>& a) { return gradaudit::bce_with_logits_grad(a[0], a[1]); },
      [](const std::vector<ref_t>& a) { return gradaudit::bce_with_logits_grad(a[0], a[1]); },
      // Every row, soft y at the root included: 1 ULP, documented in loss.hpp since issue 12
      // item 16 (before, the soft rows had the derived bound (*) below, up to 7.6e14 ULP, and
      // the double path reached 8.4e6 ULP at z = 2·ln 3, y = 0.9).
      [](const golden_row&) { return kDocumentedUlps; },
      [](const golden_row& r) {
        if (is_label(r.inputs[1])) return relative_ref_bound(5, r.expected);
        const ref_t g = abs(r.expected) / (1 - kStoredRel);
        const ref_t s = g + ref_t(r.inputs[1]);
        return (5 * s + 2 * g) * kU + kStoredRel * g;
      },
      label_group};
  // Informational: (*) with B = (kappa_z·kSigmoidWorkRel + u_L)·|g|, kappa_z = sigma'(z)|z|/|g|,
  // the error loss.hpp's wording implies.
  spec.info_bound = [](const golden_row& r) {
    const double inf = std::numeric_limits<double>::infinity();
    const ref_t& v = r.expected;
    if (is_label(r.inputs[1]) || v == 0 || gradaudit::detail::is_inf(v) || std::isinf(r.inputs[0]))
      return inf;
    const ref_t z(r.inputs[0]);
    const ref_t e = exp(-abs(z));
    const ref_t kappa_z = e / ((1 + e) * (1 + e)) * abs(z) / abs(v);  // sigma'(z)|z|/|g|
    return derived_ulp_bound((kappa_z * kSigmoidWorkRel + kUL) * abs(v), v);
  };
  spec.info_label = "the z-only condition-number bound of loss.hpp's comment";
  run_golden(spec);
}

TEST(Golden, Bce) {
  run_golden({"bce",
              {"yhat", "y"},
              [](const std::vector<double>& a) { return gradaudit::bce(a[0], a[1]); },
              [](const std::vector<ref_t>& a) { return gradaudit::bce(a[0], a[1]); },
              documented,
              [](const golden_row& r) { return relative_ref_bound(5, r.expected); }});
}

// ------------------------------------------------------------------------------------------
// The reader.
// ------------------------------------------------------------------------------------------

/// The message of the golden_csv_error `text` raises, or "" if it parses.
std::string parse_error(const std::string& text) {
  try {
    (void)parse_golden_csv(text, "memory");
  } catch (const golden_csv_error& e) {
    return e.what();
  }
  return "";
}

TEST(GoldenCsv, ParsesHexInputsAndDecimalValues) {
  const auto t = parse_golden_csv(
      "# comment\n"
      "z,y,value\n"
      "0x1.8p+1,0x0p+0,1.5e+00\n"
      "\n"
      "# a section\n"
      "-0x0.0000000000001p-1022,0x1p-1,-0\n"
      "inf,0x1p+0,inf\r\n",
      "memory");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.input_columns, (std::vector<std::string>{"z", "y"}));
  EXPECT_EQ(t.comments.size(), 2u);
  EXPECT_EQ(t.rows[0].inputs, (std::vector<double>{3.0, 0.0}));
  EXPECT_EQ(t.rows[0].expected, ref_t(1.5));
  EXPECT_EQ(t.rows[0].line, 3);
  EXPECT_EQ(t.rows[1].inputs[0], -std::numeric_limits<double>::denorm_min());
  EXPECT_TRUE(t.rows[1].expected == 0 && signbit(t.rows[1].expected));
  EXPECT_EQ(t.rows[1].line, 6);
  EXPECT_TRUE(gradaudit::detail::is_inf(t.rows[2].expected));
}

TEST(GoldenCsv, CorruptValueThrowsWithLineNumber) {
  const std::string msg = parse_error(
      "# header comment\n"
      "x,value\n"
      "0x1p+0,7.3105857863000487925115924182183627436514464016505e-01\n"
      "0x1p+1,8.8079707797788244406form9021066982236101815474e-01\n");
  EXPECT_NE(msg.find("line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a decimal number"), std::string::npos) << msg;
}

TEST(GoldenCsv, CorruptInputThrowsWithLineNumber) {
  EXPECT_NE(parse_error("x,value\n0x1p+0,1\nabc,2\n").find("line 3"), std::string::npos);
  EXPECT_NE(parse_error("x,value\n0x1p+0x,1\n").find("line 2"), std::string::npos);
  EXPECT_NE(parse_error("x,value\n,1\n").find("line 2"), std::string::npos);
  EXPECT_NE(parse_error("x,value\nnan,1\n").find("line 2"), std::string::npos);
}

TEST(GoldenCsv, MalformedValuesAreRejected) {
  for (const char* bad :
       {"1.5x", "--1", "1e", "e5", ".", "1.2.3", "0x1p+0", "nan", "@inf@", "1 2", ""}) {
    const std::string msg = parse_error(std::string("x,value\n0x1p+0,") + bad + "\n");
    EXPECT_NE(msg.find("line 2"), std::string::npos) << "'" << bad << "' -> " << msg;
  }
}

TEST(GoldenCsv, WrongFieldCountThrowsWithLineNumber) {
  EXPECT_NE(parse_error("z,y,value\n0x1p+0,0x0p+0,1\n0x1p+0,1\n").find("line 3"),
            std::string::npos);
  EXPECT_NE(parse_error("x,value\n0x1p+0,1,2\n").find("line 2"), std::string::npos);
}

TEST(GoldenCsv, HeaderIsRequired) {
  EXPECT_NE(parse_error("# only comments\n").find("no header"), std::string::npos);
  EXPECT_NE(parse_error("x,y\n0x1p+0,1\n").find("line 1"), std::string::npos);
}

TEST(GoldenCsv, HeaderWithoutRowsParsesAsEmpty) {
  // run_golden turns this into a failure: an empty table must not pass.
  EXPECT_TRUE(parse_golden_csv("# c\nx,value\n", "memory").rows.empty());
}

/// A spec for sigmoid under another table name (for the failure tests below).
golden_spec sigmoid_spec(const std::string& name) {
  return {name,
          {"x"},
          [](const std::vector<double>& a) { return gradaudit::sigmoid(a[0]); },
          [](const std::vector<ref_t>& a) { return gradaudit::sigmoid(a[0]); },
          documented,
          [](const golden_row& r) { return relative_ref_bound(5, r.expected); }};
}

std::string scratch_dir() {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "gradaudit_regression_scratch";
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void run_missing_table() { run_golden(sigmoid_spec("no_such_table")); }

void run_empty_table() {
  const std::string dir = scratch_dir();
  write_file(dir + "/empty_table.csv", "# no rows\nx,value\n");
  run_golden(sigmoid_spec("empty_table"), dir);
}

void run_perturbed_table() {
  // sigmoid(1) = 7.31058578630004879...e-01 with 2e-16 added in the 16th digit: ~1.8 ULP
  // (ulp = 2^-53 ~ 1.1e-16) from the double result, and far outside the ref_t bound.
  const std::string dir = scratch_dir();
  write_file(dir + "/perturbed_table.csv",
             "x,value\n0x1p+0,7.3105857863000507925115924182183627436514464016505e-01\n");
  run_golden(sigmoid_spec("perturbed_table"), dir);
}

/// The messages of the failures `fn` reports (intercepted: they do not fail this test).
std::vector<std::string> failures_of(void (*fn)()) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    fn();
  }
  std::vector<std::string> out;
  for (int i = 0; i < results.size(); ++i) out.emplace_back(results.GetTestPartResult(i).message());
  return out;
}

bool any_contains(const std::vector<std::string>& msgs, const std::string& needle) {
  for (const auto& m : msgs)
    if (m.find(needle) != std::string::npos) return true;
  return false;
}

TEST(GoldenHarness, MissingTableFails) {
  const auto msgs = failures_of(run_missing_table);
  EXPECT_TRUE(any_contains(msgs, "cannot open")) << ::testing::PrintToString(msgs);
}

TEST(GoldenHarness, EmptyTableFails) {
  const auto msgs = failures_of(run_empty_table);
  EXPECT_TRUE(any_contains(msgs, "no data rows")) << ::testing::PrintToString(msgs);
}

TEST(GoldenHarness, WrongStoredValueFails) {
  const auto msgs = failures_of(run_perturbed_table);
  EXPECT_TRUE(any_contains(msgs, "ULP from the stored")) << ::testing::PrintToString(msgs);
  EXPECT_TRUE(any_contains(msgs, "ref_t = ")) << ::testing::PrintToString(msgs);
  EXPECT_TRUE(any_contains(msgs, "1 of 1 rows")) << ::testing::PrintToString(msgs);
}

TEST(GoldenCsv, MissingFileThrows) {
  EXPECT_THROW(load_golden_csv(std::string(GRADAUDIT_DATA_DIR) + "/no_such_table.csv"),
               golden_csv_error);
}

}  // namespace
