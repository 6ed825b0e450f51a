#pragma once
// What the training claims share (apart from support.hpp, so that the claims that train
// nothing do not parse the network and Eigen).
#include "gradaudit/network.hpp"

namespace gradaudit::properties {

/// One full-batch gradient-descent step on BCE (single-threaded): θ ← θ - lr·∂L/∂θ.
/// (Defined once in support.cpp: it instantiates the whole backward pass.)
void bce_step(network<double>& net, const batch<double>& data, double lr);
void bce_step(network<ref_t>& net, const batch<ref_t>& data, const ref_t& lr);

/// A small random data set: n <= max_samples samples of d <= max_features features in
/// [-3, 3] (or, with `coarse`, from {-2, -1, 0, 1, 2}, so that repeated samples and the exact
/// cancellations they allow are common), labels in {0, 1}; recorded as the case's inputs.
batch<double> draw_data(int max_samples, int max_features, bool coarse = false);

/// Trains logistic regression (one sigmoid unit, BCE, full-batch gradient descent, lr 0.01,
/// 1000 epochs: the article's loop) from weights `w0` and bias 0 on `train_set`, and returns
/// the fraction of `score_set` it classifies correctly (output > 1/2 against label 1).
double logistic_accuracy(const batch<double>& train_set, const batch<double>& score_set, double w0);

}  // namespace gradaudit::properties
