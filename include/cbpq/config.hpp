// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CONFIG_HPP
#define CBPQ_CONFIG_HPP

#include "version.hpp"

// Every public name lives in cbpq::v0 (inline), so two incompatible major versions linked into
// one program fail to link instead of silently violating the ODR.
#define CBPQ_BEGIN_NAMESPACE                                                                       \
    namespace cbpq {                                                                               \
    inline namespace v0 {
#define CBPQ_END_NAMESPACE                                                                         \
    }                                                                                              \
    }

#if defined(__GNUC__) || defined(__clang__)
#define CBPQ_LIKELY(x) __builtin_expect(!!(x), 1)
#define CBPQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define CBPQ_LIKELY(x) (x)
#define CBPQ_UNLIKELY(x) (x)
#endif

#endif
