// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CSV_HPP
#define CBPQ_CSV_HPP

/// \file
/// A strict RFC 4180 CSV reader and writer, for the tools and for hosts that exchange files
/// with cbpq. Records end in LF or CRLF; fields may be quoted ("a, b"), with "" for a quote
/// inside; blank lines are skipped. Every error is a parse_error with the source, 1-based line
/// and column, and the column's header name where there is one.

#include "error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// How to read a CSV text.
struct csv_options {
    char delimiter = ',';
    /// Trim spaces and tabs around unquoted fields (some data sets write ", ").
    bool trim_spaces = false;
    /// The first record names the columns.
    bool header = true;
};

/// One record: its fields, the 1-based line it starts on and each field's 1-based column.
struct csv_row {
    std::size_t line = 0;
    std::vector<std::string> fields;
    std::vector<std::size_t> columns;
};

/// A parsed CSV text. Rows all have as many fields as the header (checked while parsing).
class csv_table {
public:
    std::string source;
    std::vector<std::string> header;
    std::vector<csv_row> rows;

    /// Index of the column named `name`, if any. O(columns).
    [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (header[i] == name) {
                return i;
            }
        }
        return std::nullopt;
    }

    /// Index of the column named `name`; throws parse_error on the header line if it is absent.
    [[nodiscard]] std::size_t require_column(std::string_view name) const {
        if (auto i = find_column(name)) {
            return *i;
        }
        detail::throw_parse_error(source, 1, 0, std::string(name),
                                  "required column '" + std::string(name) + "' is missing");
    }

    /// Throws a parse_error that points at field `col` of row `row`.
    [[noreturn]] void fail(std::size_t row, std::size_t col, const std::string& message) const {
        const csv_row& r = rows.at(row);
        detail::throw_parse_error(source, r.line, col < r.columns.size() ? r.columns[col] : 0,
                                  col < header.size() ? header[col] : std::string(), message);
    }
};

/// Parses `text` as CSV. Throws parse_error (naming `source`, line and column) on an unclosed
/// quote, a stray quote, text after a closing quote, a row with the wrong number of fields, an
/// empty or duplicated header name, or a NUL byte. O(n); strong guarantee (nothing is returned
/// on error).
[[nodiscard]] inline csv_table parse_csv(std::string_view text, std::string source = "input",
                                         const csv_options& options = {}) {
    csv_table table;
    table.source = std::move(source);
    std::size_t i = 0;
    std::size_t line = 1;
    std::size_t line_start = 0;
    const std::size_t n = text.size();
    auto fail = [&](std::size_t at, const std::string& message) {
        detail::throw_parse_error(table.source, line, at - line_start + 1, {}, message);
    };
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    bool first_record = true;
    while (i < n) {
        // Skip blank lines.
        if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
            i += text[i] == '\r' ? 2 : 1;
            ++line;
            line_start = i;
            continue;
        }
        csv_row row;
        row.line = line;
        for (;;) {
            std::size_t field_start = i;
            if (options.trim_spaces) {
                while (i < n && is_space(text[i])) {
                    ++i;
                }
            }
            row.columns.push_back(i - line_start + 1);
            std::string value;
            if (i < n && text[i] == '"') {
                const std::size_t open = i;
                const std::size_t open_line = line;
                const std::size_t open_line_start = line_start;
                ++i;
                for (;;) {
                    if (i >= n) {
                        detail::throw_parse_error(table.source, open_line,
                                                  open - open_line_start + 1, {},
                                                  "quoted field is never closed");
                    }
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            value += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (c == '\0') {
                        fail(i, "NUL byte in field");
                    }
                    if (c == '\n') {
                        ++line;
                        line_start = i + 1;
                    }
                    value += c;
                    ++i;
                }
                if (options.trim_spaces) {
                    while (i < n && is_space(text[i])) {
                        ++i;
                    }
                }
                if (i < n && text[i] != options.delimiter && text[i] != '\n' && text[i] != '\r') {
                    fail(i, "unexpected character after a closing quote");
                }
            } else {
                i = field_start;
                while (i < n && text[i] != options.delimiter && text[i] != '\n' &&
                       text[i] != '\r') {
                    if (text[i] == '"') {
                        fail(i, "quote inside an unquoted field (quote the whole field)");
                    }
                    if (text[i] == '\0') {
                        fail(i, "NUL byte in field");
                    }
                    ++i;
                }
                std::string_view raw = text.substr(field_start, i - field_start);
                if (options.trim_spaces) {
                    while (!raw.empty() && is_space(raw.front())) {
                        raw.remove_prefix(1);
                    }
                    while (!raw.empty() && is_space(raw.back())) {
                        raw.remove_suffix(1);
                    }
                }
                value.assign(raw);
            }
            row.fields.push_back(std::move(value));
            if (i < n && text[i] == options.delimiter) {
                ++i;
                continue;
            }
            if (i < n && text[i] == '\r') {
                if (i + 1 < n && text[i + 1] == '\n') {
                    i += 2;
                } else {
                    fail(i, "carriage return not followed by a line feed");
                }
            } else if (i < n) {
                ++i; // '\n'
            }
            ++line;
            line_start = i;
            break;
        }
        if (first_record && options.header) {
            for (std::size_t c = 0; c < row.fields.size(); ++c) {
                if (row.fields[c].empty()) {
                    detail::throw_parse_error(table.source, row.line, row.columns[c], {},
                                              "empty column name in the header");
                }
                for (std::size_t d = 0; d < c; ++d) {
                    if (row.fields[d] == row.fields[c]) {
                        detail::throw_parse_error(table.source, row.line, row.columns[c],
                                                  row.fields[c], "column name appears twice");
                    }
                }
            }
            table.header = std::move(row.fields);
        } else {
            const std::size_t expected =
                options.header
                    ? table.header.size()
                    : (table.rows.empty() ? row.fields.size() : table.rows.front().fields.size());
            if (row.fields.size() != expected) {
                detail::throw_parse_error(table.source, row.line, 0, {},
                                          "record has " + std::to_string(row.fields.size()) +
                                              " fields, expected " + std::to_string(expected));
            }
            table.rows.push_back(std::move(row));
        }
        first_record = false;
    }
    if (options.header && first_record) {
        detail::throw_parse_error(table.source, 1, 0, {}, "empty file: no header row");
    }
    return table;
}

/// Appends `field` to `out` as one CSV field, quoted only when it must be (it holds the
/// delimiter, a quote, CR or LF, or starts or ends with a space).
inline void csv_append_field(std::string& out, std::string_view field, char delimiter = ',') {
    bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
    for (const char c : field) {
        if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

/// Appends one record (fields joined by the delimiter, then LF) to `out`.
template <class Fields>
void csv_append_row(std::string& out, const Fields& fields, char delimiter = ',') {
    bool first = true;
    for (const auto& f : fields) {
        if (!first) {
            out += delimiter;
        }
        first = false;
        csv_append_field(out, std::string_view(f), delimiter);
    }
    out += '\n';
}

CBPQ_END_NAMESPACE

#endif
