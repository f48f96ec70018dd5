// SPDX-License-Identifier: BSL-1.0
// A minimal SVG writer for cbpq's figures. Output is deterministic to the byte: numbers go
// through std::to_chars with a fixed precision (exactly specified, the same on every standard
// library), elements come out in a fixed order, and no clock, locale or random state is read.
#ifndef CBPQ_DETAIL_SVG_HPP
#define CBPQ_DETAIL_SVG_HPP

#include "../config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail::svg {

// Fixed-point text of v with `decimals` digits after the point; -0 prints as 0.
inline std::string num(double v, int decimals = 2) {
    if (v == 0.0 || !std::isfinite(v)) {
        v = 0.0;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string s(buf, r.ptr);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') {
            s.pop_back();
        }
        if (s.back() == '.') {
            s.pop_back();
        }
    }
    if (s == "-0") {
        s = "0";
    }
    return s;
}

inline std::string escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// The Okabe-Ito colour-blind-safe palette (Okabe and Ito, "Color Universal Design", 2008),
// starting from the darker colours so that the first series read well as thin lines.
inline std::string_view colour(std::size_t i) {
    static constexpr std::string_view palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    return palette[i % 8];
}

// A "nice" tick step (1, 2 or 5 times a power of ten) giving at most about `ticks` ticks.
inline double nice_step(double range, int ticks = 8) {
    if (!(range > 0.0)) {
        return 1.0;
    }
    const double raw = range / ticks;
    double p = 1.0;
    while (p * 10.0 <= raw) {
        p *= 10.0;
    }
    while (p > raw) {
        p /= 10.0;
    }
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * p >= raw) {
            return m * p;
        }
    }
    return 10.0 * p;
}

// Plot frame: pixel geometry and the data ranges.
struct frame {
    double width = 760.0;
    double height = 440.0;
    double left = 64.0;
    double right = 190.0; // legend column
    double top = 44.0;
    double bottom = 56.0;
    double x_max = 1.0;
    double y_max = 1.0;

    [[nodiscard]] double px(double x) const {
        return left + (width - left - right) * (x_max > 0.0 ? x / x_max : 0.0);
    }
    [[nodiscard]] double py(double y) const {
        return height - bottom - (height - top - bottom) * (y_max > 0.0 ? y / y_max : 0.0);
    }
};

inline void open(std::string& out, const frame& f, std::string_view title) {
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(f.width) + "\" height=\"" +
           num(f.height) + "\" viewBox=\"0 0 " + num(f.width) + " " + num(f.height) +
           "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    out += "<title>" + escape(title) + "</title>\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    out += "<text x=\"" + num(f.width / 2) +
           "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" + escape(title) + "</text>\n";
}

inline void axes(std::string& out, const frame& f, std::string_view x_label,
                 std::string_view y_label, double x_step, double y_step, int y_decimals) {
    const double x0 = f.px(0.0);
    const double x1 = f.px(f.x_max);
    const double y0 = f.py(0.0);
    const double y1 = f.py(f.y_max);
    out += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
    for (int i = 0;; ++i) {
        const double y = y_step * i;
        if (y > f.y_max * (1.0 + 1e-9)) {
            break;
        }
        out += "<line x1=\"" + num(x0) + "\" y1=\"" + num(f.py(y)) + "\" x2=\"" + num(x1) +
               "\" y2=\"" + num(f.py(y)) + "\"/>\n";
    }
    out += "</g>\n";
    out += "<g stroke=\"#333333\" stroke-width=\"1\">\n";
    out += "<line x1=\"" + num(x0) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(x1) + "\" y2=\"" +
           num(y0) + "\"/>\n";
    out += "<line x1=\"" + num(x0) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(x0) + "\" y2=\"" +
           num(y1) + "\"/>\n";
    out += "</g>\n";
    out += "<g fill=\"#333333\">\n";
    if (x_step > 0.0) {
        for (int i = 0;; ++i) {
            const double x = x_step * i;
            if (x > f.x_max * (1.0 + 1e-9)) {
                break;
            }
            out += "<text x=\"" + num(f.px(x)) + "\" y=\"" + num(y0 + 18) +
                   "\" text-anchor=\"middle\">" + num(x, 0) + "</text>\n";
        }
    }
    for (int i = 0;; ++i) {
        const double y = y_step * i;
        if (y > f.y_max * (1.0 + 1e-9)) {
            break;
        }
        out += "<text x=\"" + num(x0 - 6) + "\" y=\"" + num(f.py(y) + 4) +
               "\" text-anchor=\"end\">" + num(y, y_decimals) + "</text>\n";
    }
    out += "<text x=\"" + num((x0 + x1) / 2) + "\" y=\"" + num(f.height - 14) +
           "\" text-anchor=\"middle\">" + escape(x_label) + "</text>\n";
    out += "<text x=\"16\" y=\"" + num((y0 + y1) / 2) +
           "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + num((y0 + y1) / 2) + ")\">" +
           escape(y_label) + "</text>\n";
    out += "</g>\n";
}

inline void legend(std::string& out, const frame& f, const std::vector<std::string>& names) {
    const double x = f.width - f.right + 16;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const double y = f.top + 8 + 20.0 * static_cast<double>(i);
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - 9) +
               "\" width=\"14\" height=\"10\" fill=\"" + std::string(colour(i)) + "\"/>\n";
        out += "<text x=\"" + num(x + 20) + "\" y=\"" + num(y) + "\">" + escape(names[i]) +
               "</text>\n";
    }
}

// Step functions (x ascending, y in [0, 1]) drawn as empirical distribution functions.
struct step_series {
    std::string name;
    std::vector<std::pair<double, double>> steps; // (x, F(x)) at each jump
};

inline std::string ecdf_chart(std::string_view title, std::string_view x_label,
                              std::string_view y_label, const std::vector<step_series>& series) {
    frame f;
    // The x axis ends at the largest 99.9th percentile (rounded up to a tick) so that a long,
    // thin tail does not squash every curve to the left; a note gives the longest wait.
    double longest = 0.0;
    double clip = 0.0;
    for (const auto& s : series) {
        if (!s.steps.empty()) {
            longest = std::max(longest, s.steps.back().first);
            for (const auto& [x, y] : s.steps) {
                if (y >= 0.999) {
                    clip = std::max(clip, x);
                    break;
                }
            }
        }
    }
    const double x_end = clip > 0.0 ? clip : (longest > 0.0 ? longest : 1.0);
    const double x_step = nice_step(x_end);
    f.x_max = x_step * std::ceil(x_end / x_step);
    f.y_max = 1.0;
    std::string out;
    open(out, f, title);
    axes(out, f, x_label, y_label, x_step, 0.1, 1);
    if (longest > f.x_max) {
        // Below the legend, in the legend column.
        const double x = f.width - f.right + 16;
        const double y = f.top + 8 + 20.0 * static_cast<double>(series.size() + 1);
        out += "<text x=\"" + num(x) + "\" y=\"" + num(y) +
               "\" fill=\"#555555\">x axis: to the 99.9th pct</text>\n";
        out += "<text x=\"" + num(x) + "\" y=\"" + num(y + 16) +
               "\" fill=\"#555555\">longest wait: " + num(longest, 0) + " days</text>\n";
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < series.size(); ++i) {
        names.push_back(series[i].name);
        // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict, GCC bug 105651)
        // on `" " + std::string` here.
        std::string pts;
        auto point = [&pts](double px, double py) {
            if (!pts.empty()) {
                pts += ' ';
            }
            pts += num(px);
            pts += ',';
            pts += num(py);
        };
        point(f.px(0.0), f.py(0.0));
        double prev = 0.0;
        for (const auto& [x, y] : series[i].steps) {
            if (x > f.x_max) {
                break;
            }
            point(f.px(x), f.py(prev));
            point(f.px(x), f.py(y));
            prev = y;
        }
        point(f.px(f.x_max), f.py(prev));
        out += "<polyline fill=\"none\" stroke=\"" + std::string(colour(i)) +
               "\" stroke-width=\"1.5\" points=\"" + pts + "\"/>\n";
    }
    legend(out, f, names);
    out += "</svg>\n";
    return out;
}

// Grouped bars: values[s][g] is series s in group g.
inline std::string bar_chart(std::string_view title, std::string_view x_label,
                             std::string_view y_label, const std::vector<std::string>& groups,
                             const std::vector<std::string>& names,
                             const std::vector<std::vector<double>>& values) {
    frame f;
    double y_max = 0.0;
    for (const auto& row : values) {
        for (const double v : row) {
            y_max = std::max(y_max, v);
        }
    }
    const double y_step = nice_step(y_max > 0.0 ? y_max : 1.0, 6);
    f.y_max = y_step * std::ceil((y_max > 0.0 ? y_max : 1.0) / y_step);
    f.x_max = static_cast<double>(std::max<std::size_t>(groups.size(), 1));
    std::string out;
    open(out, f, title);
    axes(out, f, x_label, y_label, 0.0, y_step, 0);
    const double group_width = f.px(1.0) - f.px(0.0);
    const double bar_width =
        0.8 * group_width / static_cast<double>(std::max<std::size_t>(names.size(), 1));
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const double g0 = f.px(static_cast<double>(g)) + 0.1 * group_width;
        for (std::size_t s = 0; s < names.size(); ++s) {
            const double v = g < values[s].size() ? values[s][g] : 0.0;
            const double x = g0 + bar_width * static_cast<double>(s);
            out += "<rect x=\"" + num(x) + "\" y=\"" + num(f.py(v)) + "\" width=\"" +
                   num(bar_width * 0.9) + "\" height=\"" + num(f.py(0.0) - f.py(v)) + "\" fill=\"" +
                   std::string(colour(s)) + "\"><title>" + escape(names[s]) + " at " +
                   escape(groups[g]) + ": " + num(v, 2) + "</title></rect>\n";
        }
        out += "<text x=\"" + num(f.px(static_cast<double>(g) + 0.5)) + "\" y=\"" +
               num(f.py(0.0) + 18) + "\" text-anchor=\"middle\">" + escape(groups[g]) + "</text>\n";
    }
    legend(out, f, names);
    out += "</svg>\n";
    return out;
}

} // namespace detail::svg
CBPQ_END_NAMESPACE

#endif
