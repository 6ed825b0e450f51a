#pragma once
/// \file gradaudit.hpp
/// Umbrella header for the numerical core (not the testing layer).
#include "gradaudit/scalar.hpp"
#include "gradaudit/activation.hpp"
#include "gradaudit/loss.hpp"
#include "gradaudit/output_layer.hpp"
#include "gradaudit/softmax.hpp"
#include "gradaudit/softplus.hpp"
#include "gradaudit/logsumexp.hpp"
#include "gradaudit/divergence.hpp"
#include "gradaudit/robust.hpp"
#include "gradaudit/focal.hpp"
#include "gradaudit/count_nll.hpp"
#include "gradaudit/network.hpp"
#include "gradaudit/train.hpp"
#include "gradaudit/dataset.hpp"
