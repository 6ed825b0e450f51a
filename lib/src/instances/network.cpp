// The network and training functions at double and ref_t, compiled once for this project's
// targets (see gradaudit/detail/network_instances.hpp).
#include "gradaudit/network.hpp"
#include "gradaudit/train.hpp"

namespace gradaudit {
GRADAUDIT_NETWORK_INSTANCES(, double)
GRADAUDIT_NETWORK_INSTANCES(, ref_t)
GRADAUDIT_TRAIN_INSTANCES(, double)
GRADAUDIT_TRAIN_INSTANCES(, ref_t)
}  // namespace gradaudit
