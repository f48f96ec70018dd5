// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CSV_HPP
#define CBPQ_CSV_HPP

/// \file
/// A strict RFC 4180 CSV reader and writer, for the tools and for hosts that exchange files
/// with cbpq. Records end in LF or CRLF; fields may be quoted ("a, b"), with "" for a quote
/// inside; blank lines are skipped; a UTF-8 byte order mark at the start of the text is
/// skipped. Every error is a parse_error with the source, 1-based line and column (columns
/// count bytes from the first byte after any byte order mark), and the column's header name
/// where there is one.

#include "error.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
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

/// One record: its fields, the 1-based line it starts on, and each field's 1-based line and
/// column (a field after a quoted line break starts on a later line than its record).
struct csv_row {
    std::size_t line = 0;
    std::vector<std::string> fields;
    std::vector<std::size_t> columns;
    std::vector<std::size_t> lines;
};

namespace detail {

// The column lookups of csv_table and csv_view_table, over their header's names.
template <class Names>
std::optional<std::size_t> find_csv_column(const Names& header, std::string_view name) noexcept {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) {
            return i;
        }
    }
    return std::nullopt;
}

// A missing column is reported at the start of the header row.
template <class Names>
std::size_t require_csv_column(const Names& header, std::string_view name,
                               const std::string& source, std::size_t header_line) {
    if (auto i = find_csv_column(header, name)) {
        return *i;
    }
    throw_parse_error(source, header_line, 1, std::string(name),
                      "required column '" + std::string(name) + "' is missing");
}

} // namespace detail

/// A parsed CSV text. Rows all have as many fields as the header (checked while parsing).
class csv_table {
public:
    std::string source;
    std::vector<std::string> header;
    std::vector<csv_row> rows;
    /// The 1-based line the header starts on (after any blank lines).
    std::size_t header_line = 1;

    /// Index of the column named `name`, if any. O(columns).
    [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const noexcept {
        return detail::find_csv_column(header, name);
    }

    /// Index of the column named `name`; throws parse_error on the header line if it is absent.
    [[nodiscard]] std::size_t require_column(std::string_view name) const {
        return detail::require_csv_column(header, name, source, header_line);
    }

    /// Throws a parse_error that points at field `col` of row `row`.
    [[noreturn]] void fail(std::size_t row, std::size_t col, const std::string& message) const {
        const csv_row& r = rows.at(row);
        const bool known = col < r.columns.size();
        detail::throw_parse_error(source, known ? r.lines[col] : r.line, known ? r.columns[col] : 0,
                                  col < header.size() ? header[col] : std::string(), message);
    }
};

namespace detail {

// The one RFC 4180 reader behind parse_csv and parse_csv_views. For each record it calls
// sink.begin(line), then sink.field(line, column, value, in_text) for each field, with the
// line and column it starts at (`value` views `text` when in_text is true; for a quoted field
// holding "" it views a scratch string valid during the call), then checks the record (through
// sink.size(), sink.at(k), sink.line(k) and sink.column(k)) and calls sink.header() or
// sink.row(). Throws parse_error as parse_csv documents.
template <class Sink>
void read_csv(std::string_view text, const std::string& source, const csv_options& options,
              Sink& sink) {
    std::size_t i = 0;
    std::size_t line = 1;
    std::size_t line_start = 0;
    const std::size_t n = text.size();
    // A UTF-8 byte order mark (spreadsheet programs write one) is not part of the first field.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        i = 3;
        line_start = 3;
    }
    auto fail = [&](std::size_t at, const std::string& message) {
        throw_parse_error(source, line, at - line_start + 1, {}, message);
    };
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    bool first_record = true;
    std::size_t expected = 0; // fields per record, once the first record is read
    std::string unescaped;
    while (i < n) {
        // Skip blank lines.
        if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
            i += text[i] == '\r' ? 2 : 1;
            ++line;
            line_start = i;
            continue;
        }
        const std::size_t record_line = line;
        std::size_t end_line = line;
        std::size_t end_column = 0;
        sink.begin(record_line);
        for (;;) {
            std::size_t field_start = i;
            if (options.trim_spaces) {
                while (i < n && is_space(text[i])) {
                    ++i;
                }
            }
            const std::size_t column = i - line_start + 1;
            const std::size_t field_line = line;
            if (i < n && text[i] == '"') {
                const std::size_t open = i;
                const std::size_t open_line = line;
                const std::size_t open_line_start = line_start;
                ++i;
                bool escaped = false; // a "" seen: the value is built in `unescaped`
                for (;;) {
                    if (i >= n) {
                        throw_parse_error(source, open_line, open - open_line_start + 1, {},
                                          "quoted field is never closed");
                    }
                    const char c = text[i];
                    if (c == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            if (!escaped) {
                                unescaped.assign(text.substr(open + 1, i - open - 1));
                                escaped = true;
                            }
                            unescaped += '"';
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
                    if (escaped) {
                        unescaped += c;
                    }
                    ++i;
                }
                sink.field(field_line, column,
                           escaped ? std::string_view(unescaped)
                                   : text.substr(open + 1, i - open - 2),
                           !escaped);
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
                sink.field(field_line, column, raw, true);
            }
            if (i < n && text[i] == options.delimiter) {
                ++i;
                continue;
            }
            end_line = line; // where the record ends: a missing field would start here
            end_column = i - line_start + 1;
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
        const std::size_t width = sink.size();
        if (first_record && options.header) {
            for (std::size_t c = 0; c < width; ++c) {
                if (sink.at(c).empty()) {
                    throw_parse_error(source, sink.line(c), sink.column(c), {},
                                      "empty column name in the header");
                }
                for (std::size_t d = 0; d < c; ++d) {
                    if (sink.at(d) == sink.at(c)) {
                        throw_parse_error(source, sink.line(c), sink.column(c),
                                          std::string(sink.at(c)), "column name appears twice");
                    }
                }
            }
            expected = width;
            sink.header();
        } else {
            if (first_record) {
                expected = width;
            }
            if (width > expected) {
                throw_parse_error(source, sink.line(expected), sink.column(expected), {},
                                  "record has " + std::to_string(width) + " fields, expected " +
                                      std::to_string(expected) + " (field " +
                                      std::to_string(expected + 1) + " is extra)");
            }
            if (width < expected) {
                throw_parse_error(source, end_line, end_column, {},
                                  "record has " + std::to_string(width) + " fields, expected " +
                                      std::to_string(expected) + " (field " +
                                      std::to_string(width + 1) + " is missing)");
            }
            sink.row();
        }
        first_record = false;
    }
    if (options.header && first_record) {
        throw_parse_error(source, line, 1, {}, "empty file: no header row");
    }
}

} // namespace detail

/// Parses `text` as CSV. Throws parse_error (naming `source`, line and column) on an unclosed
/// quote, a stray quote, text after a closing quote, a row with the wrong number of fields (at
/// its first extra field, or where its first missing field would start), an empty or duplicated
/// header name, or a NUL byte. O(n); strong guarantee (nothing is returned
/// on error). For large files, parse_csv_views holds the same fields without a string each.
[[nodiscard]] inline csv_table parse_csv(std::string_view text, std::string source = "input",
                                         const csv_options& options = {}) {
    struct sink_type {
        csv_table& table;
        csv_row current;
        void begin(std::size_t line) {
            current = csv_row{};
            current.line = line;
        }
        void field(std::size_t line, std::size_t column, std::string_view value, bool /*in_text*/) {
            current.columns.push_back(column);
            current.lines.push_back(line);
            current.fields.emplace_back(value);
        }
        [[nodiscard]] std::size_t size() const noexcept { return current.fields.size(); }
        [[nodiscard]] std::string_view at(std::size_t k) const { return current.fields[k]; }
        [[nodiscard]] std::size_t column(std::size_t k) const { return current.columns[k]; }
        [[nodiscard]] std::size_t line(std::size_t k) const { return current.lines[k]; }
        void header() {
            table.header = std::move(current.fields);
            table.header_line = current.line;
        }
        void row() { table.rows.push_back(std::move(current)); }
    };
    csv_table table;
    table.source = std::move(source);
    sink_type sink{table, {}};
    detail::read_csv(text, table.source, options, sink);
    return table;
}

/// A parsed CSV text whose fields are views into the text, which the table owns: one array of
/// views and one of columns for the whole file, where csv_table holds a string per field and
/// a row object per record: less memory and time for large files (docs/duplicates.md gives
/// cbpq-dedup's figures at a million records). Same fields, same errors as parse_csv.
/// Move-only (the views point into its own buffers).
class csv_view_table {
public:
    csv_view_table() = default;
    csv_view_table(const csv_view_table&) = delete;
    csv_view_table& operator=(const csv_view_table&) = delete;
    csv_view_table(csv_view_table&&) noexcept = default;
    csv_view_table& operator=(csv_view_table&&) noexcept = default;
    ~csv_view_table() = default;

    /// The name given to parse_csv_views (a file name), used in errors.
    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    /// The column names (empty without a header).
    [[nodiscard]] const std::vector<std::string_view>& header() const noexcept { return header_; }
    /// Fields per record.
    [[nodiscard]] std::size_t width() const noexcept { return width_; }
    /// Records after the header.
    [[nodiscard]] std::size_t size() const noexcept { return lines_.size(); }
    /// Field `col` of record `row`. Precondition: row < size(), col < width().
    [[nodiscard]] std::string_view field(std::size_t row, std::size_t col) const noexcept {
        return fields_[row * width_ + col];
    }
    /// The 1-based line record `row` starts on.
    [[nodiscard]] std::size_t line(std::size_t row) const noexcept { return lines_[row]; }
    /// The 1-based line field `col` of record `row` starts on: the record's, unless a quoted
    /// line break came before it. O(log m) for m such fields in the file. Precondition: row <
    /// size(), col < width().
    [[nodiscard]] std::size_t line(std::size_t row, std::size_t col) const noexcept {
        return line_at(row * width_ + col, lines_[row]);
    }

    /// Index of the column named `name`, if any. O(columns).
    [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const noexcept {
        return detail::find_csv_column(header_, name);
    }

    /// Index of the column named `name`; throws parse_error on the header line if it is absent.
    [[nodiscard]] std::size_t require_column(std::string_view name) const {
        return detail::require_csv_column(header_, name, source_, header_line_);
    }

    /// Throws a parse_error that points at field `col` of record `row` (as csv_table::fail).
    [[noreturn]] void fail(std::size_t row, std::size_t col, const std::string& message) const {
        if (row >= size()) {
            throw std::out_of_range("csv_view_table::fail: no record " + std::to_string(row));
        }
        detail::throw_parse_error(source_, col < width_ ? line(row, col) : lines_[row],
                                  col < width_ ? columns_[row * width_ + col] : 0,
                                  col < header_.size() ? std::string(header_[col]) : std::string(),
                                  message);
    }

private:
    // The line of the field at index `at` of fields_ (or, while reading, of the scratch
    // header), given its record's.
    [[nodiscard]] std::size_t line_at(std::size_t at, std::size_t record_line) const noexcept {
        const auto it = std::lower_bound(later_lines_.begin(), later_lines_.end(), at,
                                         [](const std::pair<std::size_t, std::size_t>& e,
                                            std::size_t k) { return e.first < k; });
        return it != later_lines_.end() && it->first == at ? it->second : record_line;
    }

    friend csv_view_table parse_csv_views(std::string, std::string, const csv_options&);

    std::string source_;
    std::unique_ptr<const std::string> text_;             // a pointer: views survive moves
    std::vector<std::unique_ptr<const std::string>> own_; // fields that held "" (unescaped)
    std::vector<std::string_view> header_;
    std::vector<std::string_view> fields_; // record by record
    std::vector<std::size_t> columns_;     // 1-based column of each field
    std::vector<std::size_t> lines_;       // 1-based line of each record
    // (index in fields_, 1-based line) of each field that starts on a later line than its
    // record (after a quoted line break), in index order: rare, so kept apart.
    std::vector<std::pair<std::size_t, std::size_t>> later_lines_;
    std::size_t header_line_ = 1;
    std::size_t width_ = 0;
};

/// Parses `text` as CSV into a table that keeps it and views it (csv_view_table). Throws what
/// parse_csv throws, for the same input. O(n); strong guarantee.
[[nodiscard]] inline csv_view_table parse_csv_views(std::string text, std::string source = "input",
                                                    const csv_options& options = {}) {
    struct sink_type {
        csv_view_table& table;
        std::size_t start = 0; // index in fields_ of the record being read
        void begin(std::size_t line) {
            start = table.fields_.size();
            table.lines_.push_back(line);
        }
        void field(std::size_t line, std::size_t column, std::string_view value, bool in_text) {
            if (!in_text) {
                // An unescaped field: a copy of its own.
                table.own_.push_back(std::make_unique<const std::string>(value));
                value = *table.own_.back();
            }
            if (line != table.lines_.back()) {
                table.later_lines_.emplace_back(table.fields_.size(), line);
            }
            table.fields_.push_back(value);
            table.columns_.push_back(column);
        }
        [[nodiscard]] std::size_t size() const noexcept { return table.fields_.size() - start; }
        [[nodiscard]] std::string_view at(std::size_t k) const { return table.fields_[start + k]; }
        [[nodiscard]] std::size_t column(std::size_t k) const { return table.columns_[start + k]; }
        [[nodiscard]] std::size_t line(std::size_t k) const {
            return table.line_at(start + k, table.lines_.back());
        }
        void header() {
            table.header_.assign(table.fields_.begin() + static_cast<std::ptrdiff_t>(start),
                                 table.fields_.end());
            table.width_ = table.header_.size();
            table.header_line_ = table.lines_.back();
            table.fields_.resize(start);
            table.columns_.resize(start);
            table.lines_.pop_back();
            table.later_lines_.clear(); // the header's: fields_ restarts at index 0
        }
        void row() {
            if (table.lines_.size() == 1) {
                table.width_ = size();
            }
        }
    };
    csv_view_table table;
    table.source_ = std::move(source);
    table.text_ = std::make_unique<const std::string>(std::move(text));
    sink_type sink{table};
    detail::read_csv(*table.text_, table.source_, options, sink);
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
