// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_ERROR_HPP
#define CBPQ_ERROR_HPP

#include "config.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

CBPQ_BEGIN_NAMESPACE

/// Root of every exception cbpq throws. Domain outcomes (a port is full, a duplicate was found)
/// are values, never exceptions; exceptions mean bad input, a failed verification or a failed
/// store.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Input that cbpq refuses: a malformed seed, a duplicate entrant id, a negative capacity, a bad
/// CSV field. `record()` and `field()` name where the problem is (either may be empty when it
/// does not apply); `what()` is a full sentence that names both.
class invalid_input : public error {
public:
    invalid_input(std::string record, std::string field, const std::string& message)
        : error(compose(record, field, message)), record_(std::move(record)),
          field_(std::move(field)) {}

    /// The offending record: an entrant id, a CSV line ("line 12"), a rule name.
    [[nodiscard]] const std::string& record() const noexcept { return record_; }
    /// The offending field or column name.
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    static std::string compose(const std::string& record, const std::string& field,
                               const std::string& message) {
        std::string out;
        if (!record.empty()) {
            out += record;
        }
        if (!field.empty()) {
            out += out.empty() ? "field '" : ", field '";
            out += field;
            out += '\'';
        }
        if (!out.empty()) {
            out += ": ";
        }
        out += message;
        return out;
    }

    std::string record_;
    std::string field_;
};

/// Text that could not be parsed (CSV, JSON receipts, plan files, UTF-8). Carries a 1-based
/// line and column (0 when unknown) besides the record and field of `invalid_input`.
class parse_error : public invalid_input {
public:
    parse_error(std::string source, std::size_t line, std::size_t column, std::string field,
                const std::string& message)
        : invalid_input(locate(source, line, column), std::move(field), message),
          source_(std::move(source)), line_(line), column_(column) {}

    /// File name or other label of the text being parsed.
    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    [[nodiscard]] std::size_t line() const noexcept { return line_; }
    [[nodiscard]] std::size_t column() const noexcept { return column_; }

private:
    static std::string locate(const std::string& source, std::size_t line, std::size_t column) {
        std::string out = source.empty() ? std::string("input") : source;
        if (line != 0) {
            out += ':' + std::to_string(line);
            if (column != 0) {
                out += ':' + std::to_string(column);
            }
        }
        return out;
    }

    std::string source_;
    std::size_t line_;
    std::size_t column_;
};

/// A receipt, commitment or recomputation that does not match: the draw cannot be verified.
class verification_failure : public error {
public:
    using error::error;
};

/// A host store failed (I/O, constraint, lost connection). Thrown by stores, passed through by
/// algorithms; the store's own guarantee says what state it was left in.
class storage_failure : public error {
public:
    using error::error;
};

namespace detail {

// Out of line and [[noreturn]] so that the throwing path stays out of hot loops.
[[noreturn]] inline void throw_invalid_input(std::string record, std::string field,
                                             const std::string& message) {
    throw invalid_input(std::move(record), std::move(field), message);
}

[[noreturn]] inline void throw_parse_error(std::string source, std::size_t line, std::size_t column,
                                           std::string field, const std::string& message) {
    throw parse_error(std::move(source), line, column, std::move(field), message);
}

[[noreturn]] inline void throw_verification_failure(const std::string& message) {
    throw verification_failure(message);
}

} // namespace detail

CBPQ_END_NAMESPACE

#endif
