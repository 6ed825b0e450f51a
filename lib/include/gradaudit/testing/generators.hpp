#pragma once
/// \file generators.hpp
/// Real-number generators for RapidCheck, which lacks usable ones: its `double` generator
/// never yields NaN, ±inf, subnormals or -0, scales wildly with size and shrinks poorly.
///
/// Every generator here:
///  - draws from a stated set (a range, a range of magnitudes, or the whole double line),
///  - mixes in the special values of that set (±0, endpoints, denorm_min, min normal, ±max,
///    and ±inf/NaN only where asked for) and short decimals such as 0.5 or -2.7,
///  - ignores RapidCheck's size (the distribution is the same for every case),
///  - shrinks towards 0, then towards fewer significant decimal digits, then towards a
///    decimal exponent near 0, then towards positive: a counterexample reads like
///    one a person would pick ("x = 40", not "x = 38.71554330987121").

#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace gradaudit::testing::gen {

/// Finite doubles in [lo, hi] (lo <= hi, both finite): a mixture of uniform values,
/// log-uniform magnitudes (so a range like [-700, 700] also yields 1e-5) and simple values.
rc::Gen<double> real_in(double lo, double hi);

/// Values ±m with m log-uniform in [min_magnitude, max_magnitude] (0 < min <= max <= DBL_MAX;
/// min may be subnormal), negative ones only when `both_signs`.
rc::Gen<double> magnitude_in(double min_magnitude, double max_magnitude, bool both_signs = true);

/// Every finite double, ±0 and subnormals included, magnitudes log-uniform over the whole
/// range, with ±denorm_min, ±min normal, ±max mixed in.
rc::Gen<double> any_finite();

/// `any_finite()` with ±inf and NaN mixed in.
rc::Gen<double> any_double();

/// Probabilities: [0, 1], dense near both ends (2^-k and 1 - 2^-k down to the subnormals
/// and to 1 - 2^-53), with 0, 1 and 0.5 mixed in. `open` excludes 0 and 1.
rc::Gen<double> probability(bool open = false);

/// Class labels {0, 1}; shrinks to 0.
rc::Gen<double> label();

/// Vectors of `gen` values with a length in [min_len, max_len].
rc::Gen<std::vector<double>> vector_of(int min_len, int max_len, rc::Gen<double> gen);

/// The simpler candidates `shrink` proposes for x (exposed for its own tests): each is in
/// [lo, hi] and strictly simpler than x in the order described above.
std::vector<double> shrink_candidates(double x, double lo, double hi);

/// n values drawn from `gen` with a fixed seed (for sweeps outside a property).
std::vector<double> sample(const rc::Gen<double>& gen, std::size_t n, std::uint64_t seed);

}  // namespace gradaudit::testing::gen
