#pragma once
/// \file detail/network_instances.hpp
/// Compile time: the network functions at `double` and `ref_t` are instantiated once, in
/// lib/src/instances/network.cpp (library gradaudit_instances, not installed), for this
/// project's own targets, which define GRADAUDIT_PREBUILT_INSTANCES by linking it. Each claim
/// file then skips instantiating and optimising them (`evaluate` and its chunk sums over Eigen
/// were a third of the largest claim file's compile time). A consumer of the installed
/// headers never defines the macro and instantiates them as usual.

#define GRADAUDIT_NETWORK_INSTANCES(EXTERN, T)                                                    \
  EXTERN template struct network<T>;                                                              \
  EXTERN template void check_shapes<T>(const network<T>&, const batch<T>&, loss_function);        \
  EXTERN template void check_targets<T>(const batch<T>&, loss_function);                          \
  EXTERN template matrix<T> predict<T>(const network<T>&, const matrix<T>&);                      \
  EXTERN template loss_gradient<T> evaluate<T>(const network<T>&, const batch<T>&, loss_function, \
                                               worker_pool*);                                     \
  EXTERN template loss_gradient<T> evaluate<T>(const network<T>&, const batch<T>&, loss_function, \
                                               int);

#ifdef GRADAUDIT_PREBUILT_INSTANCES
namespace gradaudit {
GRADAUDIT_NETWORK_INSTANCES(extern, double)
GRADAUDIT_NETWORK_INSTANCES(extern, ref_t)
}  // namespace gradaudit
#endif
