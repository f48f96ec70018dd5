// SPDX-License-Identifier: BSL-1.0
// A small strict JSON (RFC 8259) reader and writer for receipts and partial draws. The reader
// refuses everything the RFC does not allow (comments, trailing commas, single quotes, leading
// zeros, bare control characters, lone surrogates, invalid UTF-8) and also duplicate member
// names and nesting deeper than 64, and reports the line and column of the first problem.
// Numbers are kept as their text; callers convert them with the exact integer helpers.
#ifndef CBPQ_DETAIL_JSON_HPP
#define CBPQ_DETAIL_JSON_HPP

#include "../error.hpp"
#include "unicode_utf8.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail {

struct json_value {
    enum class kind : std::uint8_t { null, boolean, number, string, array, object };

    kind type = kind::null;
    bool boolean = false;
    // The number's literal text, or the decoded string.
    std::string text;
    std::vector<json_value> items;
    // Object members as two parallel vectors (a pair with the incomplete json_value would not
    // compile with every standard library).
    std::vector<std::string> names;
    std::vector<json_value> values;
    // Where the value starts (1-based), for messages.
    std::size_t line = 0;
    std::size_t column = 0;

    static json_value make_string(std::string s) {
        json_value v;
        v.type = kind::string;
        v.text = std::move(s);
        return v;
    }
    static json_value make_number(std::string literal) {
        json_value v;
        v.type = kind::number;
        v.text = std::move(literal);
        return v;
    }
    template <class Int>
    static json_value make_integer(Int i) {
        return make_number(std::to_string(i));
    }
    static json_value make_bool(bool b) {
        json_value v;
        v.type = kind::boolean;
        v.boolean = b;
        return v;
    }
    static json_value make_array() {
        json_value v;
        v.type = kind::array;
        return v;
    }
    static json_value make_object() {
        json_value v;
        v.type = kind::object;
        return v;
    }

    json_value& add(std::string name, json_value v) {
        names.push_back(std::move(name));
        values.push_back(std::move(v));
        return values.back();
    }
    json_value& push(json_value v) {
        items.push_back(std::move(v));
        return items.back();
    }
    [[nodiscard]] const json_value* find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name) {
                return &values[i];
            }
        }
        return nullptr;
    }
};

class json_parser {
public:
    json_parser(std::string_view text, std::string source)
        : text_(text), source_(std::move(source)) {}

    json_value parse() {
        skip_space();
        if (pos_ >= text_.size()) {
            fail("empty document: expected a JSON value");
        }
        json_value v = value(0);
        skip_space();
        if (pos_ < text_.size()) {
            fail("unexpected text after the JSON value");
        }
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& message) const { fail_at(pos_, message); }

    [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
        std::size_t line = 1;
        std::size_t col = 1;
        for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                col = 1;
            } else if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) {
                ++col; // count code points, not UTF-8 continuation bytes
            }
        }
        throw_parse_error(source_, line, col, {}, message);
    }

    void skip_space() noexcept {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    // A value whose enclosing arrays and objects are `depth` deep. At most 64 arrays and
    // objects may enclose one another (scalars inside the 64th are fine).
    json_value value(int depth) {
        if (pos_ >= text_.size()) {
            fail("unexpected end of document: expected a value");
        }
        const char c = text_[pos_];
        if ((c == '{' || c == '[') && depth >= 64) {
            fail("nesting deeper than 64 levels");
        }
        // Where the value starts, counted now: values are met in text order, so the running
        // counter only moves forward (O(n) over the document).
        advance_to(pos_);
        const std::size_t line = mark_line_;
        const std::size_t column = mark_col_;
        json_value v;
        if (c == '{') {
            v = object(depth);
        } else if (c == '[') {
            v = array(depth);
        } else if (c == '"') {
            v.type = json_value::kind::string;
            v.text = string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v = number();
        } else if (literal("true")) {
            v.type = json_value::kind::boolean;
            v.boolean = true;
        } else if (literal("false")) {
            v.type = json_value::kind::boolean;
        } else if (literal("null")) {
            v.type = json_value::kind::null;
        } else {
            fail(std::string("unexpected character '") + printable(c) + "': expected a value");
        }
        v.line = line;
        v.column = column;
        return v;
    }

    // Moves the running line/column counter forward to `at` (never backward).
    void advance_to(std::size_t at) noexcept {
        while (mark_ < at) {
            if (text_[mark_] == '\n') {
                ++mark_line_;
                mark_col_ = 1;
            } else if ((static_cast<unsigned char>(text_[mark_]) & 0xC0U) != 0x80U) {
                ++mark_col_;
            }
            ++mark_;
        }
    }

    static std::string printable(char c) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            static constexpr char digits[] = "0123456789abcdef";
            const auto u = static_cast<unsigned char>(c);
            return std::string("\\x") + digits[u >> 4] + digits[u & 15U];
        }
        return std::string(1, c);
    }

    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) == word) {
            pos_ += word.size();
            return true;
        }
        return false;
    }

    json_value object(int depth) {
        json_value v = json_value::make_object();
        std::unordered_set<std::string> seen; // the names, once the object is large
        ++pos_;                               // '{'
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            return v;
        }
        for (;;) {
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != '"') {
                fail("expected a member name in double quotes");
            }
            const std::size_t name_at = pos_;
            std::string name = string();
            // Small objects are searched; large ones keep a set of their names (linear time).
            bool repeated = false;
            if (v.names.size() < 16) {
                repeated = v.find(name) != nullptr;
            } else {
                if (seen.empty()) {
                    seen.insert(v.names.begin(), v.names.end());
                }
                repeated = !seen.insert(name).second;
            }
            if (repeated) {
                fail_at(name_at, "member '" + name + "' appears twice");
            }
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != ':') {
                fail("expected ':' after a member name");
            }
            ++pos_;
            skip_space();
            json_value m = value(depth + 1);
            v.add(std::move(name), std::move(m));
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == '}') {
                ++pos_;
                return v;
            }
            fail("expected ',' or '}' in an object");
        }
    }

    json_value array(int depth) {
        json_value v = json_value::make_array();
        ++pos_; // '['
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return v;
        }
        for (;;) {
            skip_space();
            v.items.push_back(value(depth + 1));
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == ']') {
                ++pos_;
                return v;
            }
            fail("expected ',' or ']' in an array");
        }
    }

    json_value number() {
        const std::size_t start = pos_;
        auto digits = [&] {
            const std::size_t d = pos_;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
                ++pos_;
            }
            return pos_ - d;
        };
        if (text_[pos_] == '-') {
            ++pos_;
        }
        if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') {
            fail("a number needs a digit after '-'");
        }
        if (text_[pos_] == '0') {
            ++pos_;
            if (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
                fail("leading zeros are not allowed in numbers");
            }
        } else {
            digits();
        }
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (digits() == 0) {
                fail("a digit must follow the decimal point");
            }
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
                ++pos_;
            }
            if (digits() == 0) {
                fail("a digit must follow the exponent");
            }
        }
        return json_value::make_number(std::string(text_.substr(start, pos_ - start)));
    }

    unsigned hex4() {
        if (pos_ + 4 > text_.size()) {
            fail("\\u needs four hexadecimal digits");
        }
        unsigned u = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text_[pos_++];
            unsigned d = 0;
            if (c >= '0' && c <= '9') {
                d = static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                d = static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                d = static_cast<unsigned>(c - 'A' + 10);
            } else {
                --pos_;
                fail("\\u needs four hexadecimal digits");
            }
            u = u * 16 + d;
        }
        return u;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // One UTF-8 sequence starting at pos_ (RFC 3629: no overlongs, no surrogates, at most
    // U+10FFFF); appends it and advances.
    void utf8(std::string& out) {
        const auto b0 = static_cast<unsigned char>(text_[pos_]);
        std::size_t len = 0;
        unsigned cp = 0;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
            cp = b0 & 0x1FU;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            cp = b0 & 0x0FU;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            cp = b0 & 0x07U;
        } else {
            fail("invalid UTF-8 byte");
        }
        if (pos_ + len > text_.size()) {
            fail("truncated UTF-8 sequence");
        }
        for (std::size_t i = 1; i < len; ++i) {
            const auto b = static_cast<unsigned char>(text_[pos_ + i]);
            if ((b & 0xC0U) != 0x80U) {
                fail("invalid UTF-8 sequence");
            }
            cp = (cp << 6) | (b & 0x3FU);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            fail("invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)");
        }
        out.append(text_.substr(pos_, len));
        pos_ += len;
    }

    std::string string() {
        const std::size_t open = pos_;
        ++pos_; // '"'
        std::string out;
        for (;;) {
            if (pos_ >= text_.size()) {
                fail_at(open, "string is never closed");
            }
            const char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                fail("control character in a string (escape it)");
            }
            if (c == '\\') {
                ++pos_;
                if (pos_ >= text_.size()) {
                    fail_at(open, "string is never closed");
                }
                const char e = text_[pos_++];
                switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        fail("lone low surrogate in \\u escape");
                    }
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (text_.substr(pos_, 2) != "\\u") {
                            fail("high surrogate not followed by a low surrogate");
                        }
                        pos_ += 2;
                        const unsigned lo = hex4();
                        if (lo < 0xDC00 || lo > 0xDFFF) {
                            fail("high surrogate not followed by a low surrogate");
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    --pos_;
                    fail(std::string("unknown escape '\\") + printable(e) + "'");
                }
                continue;
            }
            if (static_cast<unsigned char>(c) >= 0x80) {
                utf8(out);
                continue;
            }
            out += c;
            ++pos_;
        }
    }

    std::string_view text_;
    std::string source_;
    std::size_t pos_ = 0;
    std::size_t mark_ = 0;
    std::size_t mark_line_ = 1;
    std::size_t mark_col_ = 1;
};

// Parses a whole JSON document; throws parse_error naming `source`, line and column.
inline json_value json_parse(std::string_view text, std::string source = "input") {
    return json_parser(text, std::move(source)).parse();
}

inline void json_write_string(std::string& out, std::string_view s) {
    static constexpr char digits[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += digits[u >> 4];
                out += digits[u & 15U];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

// One step of the path to a value being written: a member name, or an array index.
struct json_path_step {
    const std::string* name = nullptr;
    std::size_t index = 0;
};

// Throws invalid_input for a string (or member name) at `path` that is not UTF-8: JSON text
// (RFC 8259, section 8.1) cannot hold it, and cbpq's reader would refuse the document.
[[noreturn]] inline void json_throw_not_utf8(const std::vector<json_path_step>& path) {
    std::string where;
    for (const auto& step : path) {
        if (step.name != nullptr) {
            if (!where.empty()) {
                where += '.';
            }
            where += *step.name; // a name that is itself not UTF-8 is not in the path
        } else {
            where += '[' + std::to_string(step.index) + ']';
        }
    }
    throw_invalid_input("JSON document", where.empty() ? std::string("(root)") : where,
                        "text that is not valid UTF-8 cannot be written as JSON");
}

// Writes `v` with two-space indentation; arrays of scalars and objects with only scalar
// members stay on one line, so receipts read well and diff well.
inline void json_write_at(std::string& out, const json_value& v, std::size_t indent,
                          std::vector<json_path_step>& path) {
    auto scalar = [](const json_value& x) {
        return x.type != json_value::kind::array && x.type != json_value::kind::object;
    };
    auto flat = [&](const json_value& x) {
        if (x.type == json_value::kind::array) {
            for (const auto& i : x.items) {
                if (!scalar(i)) {
                    return false;
                }
            }
            return true;
        }
        if (x.type == json_value::kind::object) {
            for (const auto& m : x.values) {
                if (!scalar(m)) {
                    return false;
                }
            }
            return true;
        }
        return true;
    };
    switch (v.type) {
    case json_value::kind::null:
        out += "null";
        return;
    case json_value::kind::boolean:
        out += v.boolean ? "true" : "false";
        return;
    case json_value::kind::number:
        out += v.text;
        return;
    case json_value::kind::string:
        if (!utf8_valid(v.text)) {
            json_throw_not_utf8(path);
        }
        json_write_string(out, v.text);
        return;
    case json_value::kind::array:
    case json_value::kind::object:
        break;
    }
    const bool is_array = v.type == json_value::kind::array;
    const std::size_t n = is_array ? v.items.size() : v.names.size();
    out += is_array ? '[' : '{';
    if (n == 0) {
        out += is_array ? ']' : '}';
        return;
    }
    const bool one_line = flat(v);
    for (std::size_t i = 0; i < n; ++i) {
        if (one_line) {
            out += i == 0 ? "" : ", ";
        } else {
            out += i == 0 ? "\n" : ",\n";
            out.append(indent + 2, ' ');
        }
        if (is_array) {
            path.push_back({nullptr, i});
            json_write_at(out, v.items[i], indent + 2, path);
        } else {
            if (!utf8_valid(v.names[i])) {
                json_throw_not_utf8(path);
            }
            path.push_back({&v.names[i], 0});
            json_write_string(out, v.names[i]);
            out += ": ";
            json_write_at(out, v.values[i], indent + 2, path);
        }
        path.pop_back();
    }
    if (!one_line) {
        out += '\n';
        out.append(indent, ' ');
    }
    out += is_array ? ']' : '}';
}

// Writes `v` (json_write_at). Throws invalid_input naming the path of a string that is not
// UTF-8 (`out` may then hold part of the text).
inline void json_write(std::string& out, const json_value& v, std::size_t indent = 0) {
    std::vector<json_path_step> path;
    json_write_at(out, v, indent, path);
}

// A whole document: `root` as json_write writes it, and a final newline (receipts and
// partials are files).
inline std::string json_document(const json_value& root) {
    std::string out;
    json_write(out, root);
    out += '\n';
    return out;
}

// Reading helpers: each throws parse_error at the value's position naming the member.
class json_reader {
public:
    explicit json_reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const json_value& v, const std::string& field,
                           const std::string& message) const {
        throw_parse_error(source_, v.line, v.column, field, message);
    }

    const json_value& member(const json_value& obj, std::string_view name) const {
        if (obj.type != json_value::kind::object) {
            fail(obj, std::string(name), "expected an object");
        }
        const json_value* m = obj.find(name);
        if (m == nullptr) {
            fail(obj, std::string(name), "missing member '" + std::string(name) + "'");
        }
        return *m;
    }

    const json_value& array(const json_value& obj, std::string_view name) const {
        const json_value& m = member(obj, name);
        if (m.type != json_value::kind::array) {
            fail(m, std::string(name), "expected an array");
        }
        return m;
    }

    std::string string(const json_value& obj, std::string_view name) const {
        const json_value& m = member(obj, name);
        if (m.type != json_value::kind::string) {
            fail(m, std::string(name), "expected a string");
        }
        return m.text;
    }

    // An integer in [lo, hi] written without fraction or exponent.
    std::int64_t integer(const json_value& m, std::string_view name, std::int64_t lo,
                         std::int64_t hi) const {
        if (m.type != json_value::kind::number) {
            fail(m, std::string(name), "expected an integer");
        }
        std::int64_t out = 0;
        if (!parse_int64(m.text, out) || out < lo || out > hi) {
            fail(m, std::string(name),
                 "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                     ", got " + m.text);
        }
        return out;
    }

    std::int64_t integer(const json_value& obj, std::string_view name, std::int64_t lo,
                         std::int64_t hi, bool /*member*/) const {
        return integer(member(obj, name), name, lo, hi);
    }

    static bool parse_int64(std::string_view s, std::int64_t& out) noexcept {
        bool neg = false;
        std::size_t i = 0;
        if (!s.empty() && s[0] == '-') {
            neg = true;
            i = 1;
        }
        if (i >= s.size()) {
            return false;
        }
        std::uint64_t v = 0;
        for (; i < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9') {
                return false;
            }
            const auto d = static_cast<std::uint64_t>(s[i] - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
                return false;
            }
            v = v * 10 + d;
        }
        if (neg) {
            if (v > std::uint64_t{1} << 63) {
                return false;
            }
            out = v == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                : -static_cast<std::int64_t>(v);
            return true;
        }
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return false;
        }
        out = static_cast<std::int64_t>(v);
        return true;
    }

    static bool parse_uint64(std::string_view s, std::uint64_t& out) noexcept {
        if (s.empty()) {
            return false;
        }
        std::uint64_t v = 0;
        for (const char c : s) {
            if (c < '0' || c > '9') {
                return false;
            }
            const auto d = static_cast<std::uint64_t>(c - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
                return false;
            }
            v = v * 10 + d;
        }
        out = v;
        return true;
    }

    [[nodiscard]] const std::string& source() const noexcept { return source_; }

private:
    std::string source_;
};

} // namespace detail
CBPQ_END_NAMESPACE

#endif
