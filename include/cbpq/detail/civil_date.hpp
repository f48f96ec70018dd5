// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_CIVIL_DATE_HPP
#define CBPQ_DETAIL_CIVIL_DATE_HPP

// Port-local civil dates as day numbers. Only std::chrono calendar types are used: no time
// zones (GCC 12 and Clang 14 with libstdc++ 12 ship no usable tz database).

#include "../config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

CBPQ_BEGIN_NAMESPACE
namespace detail {

// Days since 1970-01-01 of a valid civil date.
inline std::int64_t day_number(std::chrono::year_month_day d) noexcept {
    return static_cast<std::int64_t>(std::chrono::sys_days(d).time_since_epoch().count());
}

inline std::chrono::year_month_day from_day_number(std::int64_t n) noexcept {
    return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(n)));
}

// Monday = 0 ... Sunday = 6 (ISO 8601).
inline unsigned iso_weekday_index(std::int64_t day) noexcept {
    // 1970-01-01 was a Thursday (index 3).
    const std::int64_t r = (day + 3) % 7;
    return static_cast<unsigned>(r < 0 ? r + 7 : r);
}

inline std::int64_t monday_of(std::int64_t day) noexcept {
    return day - static_cast<std::int64_t>(iso_weekday_index(day));
}

inline unsigned last_day_of_month(int y, unsigned m) noexcept {
    using namespace std::chrono;
    return static_cast<unsigned>(year_month_day_last(year(y), month_day_last(month(m))).day());
}

inline bool is_leap(int y) noexcept { return std::chrono::year(y).is_leap(); }

// 1-based day of the year.
inline unsigned day_of_year(std::chrono::year_month_day d) noexcept {
    using namespace std::chrono;
    const auto jan1 = sys_days(year_month_day(d.year(), January, day(1)));
    return static_cast<unsigned>((sys_days(d) - jan1).count()) + 1;
}

inline int digit_value(char c) noexcept { return c >= '0' && c <= '9' ? c - '0' : -1; }

// Strict "YYYY-MM-DD" (or "YYYYMMDD" when compact), years 1..9999, a real calendar date.
inline std::optional<std::chrono::year_month_day> parse_civil_date(std::string_view s,
                                                                   bool compact = false) {
    const std::size_t len = compact ? 8 : 10;
    if (s.size() != len) {
        return std::nullopt;
    }
    int v[8];
    std::size_t k = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!compact && (i == 4 || i == 7)) {
            if (s[i] != '-') {
                return std::nullopt;
            }
            continue;
        }
        const int dv = digit_value(s[i]);
        if (dv < 0) {
            return std::nullopt;
        }
        v[k++] = dv;
    }
    const int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    const unsigned m = static_cast<unsigned>(v[4] * 10 + v[5]);
    const unsigned dd = static_cast<unsigned>(v[6] * 10 + v[7]);
    if (y < 1) {
        return std::nullopt;
    }
    const std::chrono::year_month_day d{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(dd)};
    if (!d.ok()) {
        return std::nullopt;
    }
    return d;
}

inline std::string format_civil_date(std::chrono::year_month_day d) {
    const int y = static_cast<int>(d.year());
    const unsigned m = static_cast<unsigned>(d.month());
    const unsigned dd = static_cast<unsigned>(d.day());
    std::string out(10, '0');
    out[0] = static_cast<char>('0' + (y / 1000) % 10);
    out[1] = static_cast<char>('0' + (y / 100) % 10);
    out[2] = static_cast<char>('0' + (y / 10) % 10);
    out[3] = static_cast<char>('0' + y % 10);
    out[4] = '-';
    out[5] = static_cast<char>('0' + m / 10);
    out[6] = static_cast<char>('0' + m % 10);
    out[7] = '-';
    out[8] = static_cast<char>('0' + dd / 10);
    out[9] = static_cast<char>('0' + dd % 10);
    return out;
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
