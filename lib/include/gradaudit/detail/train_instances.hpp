#pragma once
/// \file detail/train_instances.hpp
/// As detail/network_instances.hpp, for train.hpp's templates.

#define GRADAUDIT_TRAIN_INSTANCES(EXTERN, T)                                                   \
  EXTERN template int distinct_units<T>(const network<T>&, std::size_t);                       \
  EXTERN template train_result<T> train<T>(network<T>&, const batch<T>&, const train_options&, \
                                           const std::function<void(int)>&);

#ifdef GRADAUDIT_PREBUILT_INSTANCES
namespace gradaudit {
GRADAUDIT_TRAIN_INSTANCES(extern, double)
GRADAUDIT_TRAIN_INSTANCES(extern, ref_t)
}  // namespace gradaudit
#endif
