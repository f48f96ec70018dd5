// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_DETAIL_RRULE_HPP
#define CBPQ_DETAIL_RRULE_HPP

// The RFC 5545 recurrence-rule subset cbpq accepts (section 3.3.10, "Recurrence Rule"), over
// civil dates only. Parsing reports the byte offset of the offending rule part so that the plan
// parser can turn it into a column.

#include "../config.hpp"
#include "civil_date.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail {

enum class rrule_freq { daily, weekly, monthly, yearly };

struct rrule_weekday {
    int ordinal = 0;      // 0 = every such weekday in the scope; +-n = n-th from start/end
    unsigned weekday = 0; // Monday = 0 ... Sunday = 6
    friend bool operator==(const rrule_weekday&, const rrule_weekday&) = default;
};

struct rrule_parts {
    rrule_freq freq = rrule_freq::daily;
    std::int64_t interval = 1;
    std::optional<std::int64_t> count;
    std::optional<std::int64_t> until; // day number, inclusive
    std::vector<rrule_weekday> byday;
    std::vector<int> bymonthday; // -31..-1, 1..31
    std::vector<unsigned> bymonth;
    friend bool operator==(const rrule_parts&, const rrule_parts&) = default;
};

// What went wrong and where: offset into the rule text, the rule part, a sentence.
struct rrule_problem {
    std::size_t offset = 0;
    std::string part;
    std::string message;
};

inline std::optional<std::int64_t> parse_rrule_int(std::string_view s, bool allow_sign) {
    bool neg = false;
    if (allow_sign && !s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 9) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    for (const char c : s) {
        const int dv = digit_value(c);
        if (dv < 0) {
            return std::nullopt;
        }
        v = v * 10 + dv;
    }
    return neg ? -v : v;
}

inline std::optional<unsigned> parse_weekday_code(std::string_view s) {
    static constexpr std::string_view codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    for (unsigned i = 0; i < 7; ++i) {
        if (s == codes[i]) {
            return i;
        }
    }
    return std::nullopt;
}

// Parses "FREQ=...;..." into parts, or returns the first problem. Part names are
// case-sensitive upper case as written in RFC 5545 (section 3.3.10 grammar).
inline std::optional<rrule_problem> parse_rrule(std::string_view text, rrule_parts& out) {
    out = rrule_parts{};
    bool seen_freq = false, seen_interval = false, seen_byday = false, seen_bymonthday = false,
         seen_bymonth = false;
    std::size_t pos = 0;
    if (text.empty()) {
        return rrule_problem{0, "FREQ", "empty RRULE; FREQ is required (RFC 5545 3.3.10)"};
    }
    while (pos <= text.size()) {
        std::size_t end = text.find(';', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view item = text.substr(pos, end - pos);
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            return rrule_problem{pos, std::string(item),
                                 "expected NAME=VALUE in RRULE (RFC 5545 3.3.10)"};
        }
        const std::string name(item.substr(0, eq));
        const std::string_view value = item.substr(eq + 1);
        const std::size_t vpos = pos + eq + 1;
        auto once = [&](bool& seen) {
            if (seen) {
                return false;
            }
            seen = true;
            return true;
        };
        if (name == "FREQ") {
            if (!once(seen_freq)) {
                return rrule_problem{
                    pos, name, "FREQ given twice (RFC 5545 3.3.10: MUST NOT occur more than once)"};
            }
            if (value == "DAILY") {
                out.freq = rrule_freq::daily;
            } else if (value == "WEEKLY") {
                out.freq = rrule_freq::weekly;
            } else if (value == "MONTHLY") {
                out.freq = rrule_freq::monthly;
            } else if (value == "YEARLY") {
                out.freq = rrule_freq::yearly;
            } else {
                return rrule_problem{vpos, name,
                                     "FREQ=" + std::string(value) +
                                         " is not supported; capacity is per date, so only "
                                         "DAILY, WEEKLY, MONTHLY and YEARLY are accepted"};
            }
        } else if (name == "INTERVAL") {
            const auto v = parse_rrule_int(value, false);
            if (!once(seen_interval) || !v || *v < 1) {
                return rrule_problem{vpos, name,
                                     "INTERVAL must be given once, as a positive integer"};
            }
            out.interval = *v;
        } else if (name == "COUNT") {
            const auto v = parse_rrule_int(value, false);
            if (out.count || !v || *v < 1 || *v > 100000) {
                return rrule_problem{vpos, name,
                                     "COUNT must be given once, as an integer in 1..100000"};
            }
            out.count = *v;
        } else if (name == "UNTIL") {
            const auto d = parse_civil_date(value, true);
            if (out.until || !d) {
                return rrule_problem{vpos, name,
                                     "UNTIL must be given once, as a DATE YYYYMMDD (the start is "
                                     "a date, so RFC 5545 3.3.10 requires a DATE here)"};
            }
            out.until = day_number(*d);
        } else if (name == "BYDAY") {
            if (!once(seen_byday)) {
                return rrule_problem{pos, name, "BYDAY given twice"};
            }
            std::size_t p = 0;
            while (p <= value.size()) {
                std::size_t e = value.find(',', p);
                if (e == std::string_view::npos) {
                    e = value.size();
                }
                const std::string_view w = value.substr(p, e - p);
                if (w.size() < 2) {
                    return rrule_problem{vpos + p, name, "bad weekday '" + std::string(w) + "'"};
                }
                const auto wd = parse_weekday_code(w.substr(w.size() - 2));
                rrule_weekday r;
                if (!wd) {
                    return rrule_problem{vpos + p, name,
                                         "bad weekday '" + std::string(w) + "' (MO..SU)"};
                }
                r.weekday = *wd;
                if (w.size() > 2) {
                    const auto n = parse_rrule_int(w.substr(0, w.size() - 2), true);
                    if (!n || *n == 0 || *n > 53 || *n < -53) {
                        return rrule_problem{vpos + p, name,
                                             "bad ordinal in '" + std::string(w) +
                                                 "' (+-1..53, not 0)"};
                    }
                    r.ordinal = static_cast<int>(*n);
                }
                out.byday.push_back(r);
                if (e == value.size()) {
                    break;
                }
                p = e + 1;
            }
        } else if (name == "BYMONTHDAY") {
            if (!once(seen_bymonthday)) {
                return rrule_problem{pos, name, "BYMONTHDAY given twice"};
            }
            std::size_t p = 0;
            while (p <= value.size()) {
                std::size_t e = value.find(',', p);
                if (e == std::string_view::npos) {
                    e = value.size();
                }
                const auto n = parse_rrule_int(value.substr(p, e - p), true);
                if (!n || *n == 0 || *n > 31 || *n < -31) {
                    return rrule_problem{vpos + p, name, "BYMONTHDAY values are 1..31 or -31..-1"};
                }
                out.bymonthday.push_back(static_cast<int>(*n));
                if (e == value.size()) {
                    break;
                }
                p = e + 1;
            }
        } else if (name == "BYMONTH") {
            if (!once(seen_bymonth)) {
                return rrule_problem{pos, name, "BYMONTH given twice"};
            }
            std::size_t p = 0;
            while (p <= value.size()) {
                std::size_t e = value.find(',', p);
                if (e == std::string_view::npos) {
                    e = value.size();
                }
                const auto n = parse_rrule_int(value.substr(p, e - p), false);
                if (!n || *n < 1 || *n > 12) {
                    return rrule_problem{vpos + p, name, "BYMONTH values are 1..12"};
                }
                out.bymonth.push_back(static_cast<unsigned>(*n));
                if (e == value.size()) {
                    break;
                }
                p = e + 1;
            }
        } else {
            return rrule_problem{pos, name,
                                 "RRULE part " + name +
                                     " is not supported (cbpq accepts FREQ, INTERVAL, COUNT, "
                                     "UNTIL, BYDAY, BYMONTHDAY, BYMONTH)"};
        }
        if (end == text.size()) {
            break;
        }
        pos = end + 1;
    }
    if (!seen_freq) {
        return rrule_problem{0, "FREQ", "FREQ is required (RFC 5545 3.3.10)"};
    }
    if (out.count && out.until) {
        return rrule_problem{0, "COUNT",
                             "COUNT and UNTIL MUST NOT occur in the same rule (RFC 5545 3.3.10)"};
    }
    if (out.freq == rrule_freq::weekly && !out.bymonthday.empty()) {
        return rrule_problem{0, "BYMONTHDAY",
                             "BYMONTHDAY MUST NOT be specified with FREQ=WEEKLY (RFC 5545 3.3.10)"};
    }
    const bool ordinals_allowed = out.freq == rrule_freq::monthly || out.freq == rrule_freq::yearly;
    for (const auto& w : out.byday) {
        if (w.ordinal != 0 && !ordinals_allowed) {
            return rrule_problem{0, "BYDAY",
                                 "BYDAY ordinals are allowed only with FREQ=MONTHLY or YEARLY "
                                 "(RFC 5545 3.3.10)"};
        }
        if (w.ordinal != 0 && !out.bymonthday.empty()) {
            return rrule_problem{0, "BYDAY",
                                 "BYDAY ordinals together with BYMONTHDAY are ambiguous and "
                                 "refused"};
        }
        const bool month_scope = out.freq == rrule_freq::monthly || !out.bymonth.empty();
        if (month_scope && (w.ordinal > 5 || w.ordinal < -5)) {
            return rrule_problem{0, "BYDAY", "a BYDAY ordinal within a month must be in +-1..5"};
        }
    }
    return std::nullopt;
}

// Whether `d` is produced by the rule started at `start`, ignoring COUNT (which needs
// enumeration). Day numbers as from day_number().
inline bool rrule_matches(const rrule_parts& r, std::chrono::year_month_day start,
                          std::int64_t start_day, std::int64_t day) {
    if (day < start_day || (r.until && day > *r.until)) {
        return false;
    }
    const auto d = from_day_number(day);
    const int y = static_cast<int>(d.year());
    const unsigned m = static_cast<unsigned>(d.month());
    const unsigned dd = static_cast<unsigned>(d.day());
    const unsigned wd = iso_weekday_index(day);
    if (!r.bymonth.empty() && std::find(r.bymonth.begin(), r.bymonth.end(), m) == r.bymonth.end()) {
        return false;
    }
    const unsigned mlast = last_day_of_month(y, m);
    auto monthday_ok = [&] {
        for (const int v : r.bymonthday) {
            const int want = v > 0 ? v : static_cast<int>(mlast) + 1 + v;
            if (want == static_cast<int>(dd)) {
                return true;
            }
        }
        return false;
    };
    // BYDAY with ordinals counted within the month (month_scope) or the year.
    auto byday_ok = [&](bool month_scope) {
        const unsigned pos = month_scope ? dd : day_of_year(d);
        const unsigned len = month_scope ? mlast : (is_leap(y) ? 366U : 365U);
        for (const auto& w : r.byday) {
            if (w.weekday != wd) {
                continue;
            }
            if (w.ordinal == 0) {
                return true;
            }
            const int from_start = static_cast<int>((pos - 1) / 7 + 1);
            const int from_end = static_cast<int>((len - pos) / 7 + 1);
            if ((w.ordinal > 0 && w.ordinal == from_start) ||
                (w.ordinal < 0 && -w.ordinal == from_end)) {
                return true;
            }
        }
        return false;
    };
    const auto sy = static_cast<int>(start.year());
    const auto sm = static_cast<unsigned>(start.month());
    const auto sd = static_cast<unsigned>(start.day());
    std::int64_t period = 0;
    switch (r.freq) {
    case rrule_freq::daily:
        if (!r.bymonthday.empty() && !monthday_ok()) {
            return false;
        }
        if (!r.byday.empty() && !byday_ok(true)) {
            return false;
        }
        period = day - start_day;
        break;
    case rrule_freq::weekly:
        if (r.byday.empty() ? wd != iso_weekday_index(start_day) : !byday_ok(true)) {
            return false;
        }
        period = (monday_of(day) - monday_of(start_day)) / 7;
        break;
    case rrule_freq::monthly:
        if (!r.bymonthday.empty()) {
            if (!monthday_ok() || (!r.byday.empty() && !byday_ok(true))) {
                return false;
            }
        } else if (!r.byday.empty()) {
            if (!byday_ok(true)) {
                return false;
            }
        } else if (dd != sd) {
            return false;
        }
        period = (static_cast<std::int64_t>(y) - sy) * 12 + static_cast<std::int64_t>(m) -
                 static_cast<std::int64_t>(sm);
        break;
    case rrule_freq::yearly:
        if (!r.bymonthday.empty()) {
            if (!monthday_ok() || (!r.byday.empty() && !byday_ok(!r.bymonth.empty()))) {
                return false;
            }
        } else if (!r.byday.empty()) {
            if (!byday_ok(!r.bymonth.empty())) {
                return false;
            }
        } else if (r.bymonth.empty() ? (m != sm || dd != sd) : dd != sd) {
            return false;
        }
        period = static_cast<std::int64_t>(y) - sy;
        break;
    }
    return period % r.interval == 0;
}

} // namespace detail
CBPQ_END_NAMESPACE

#endif
