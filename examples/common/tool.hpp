// SPDX-License-Identifier: BSL-1.0
// Small helpers shared by cbpq's command-line tools: option parsing, whole-file reads, atomic
// writes and one error-to-exit-code policy. Not part of the library.
#ifndef CBPQ_EXAMPLES_TOOL_HPP
#define CBPQ_EXAMPLES_TOOL_HPP

#include <cbpq/error.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace tool {

/// Wrong command line: exit 2 with the usage text.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Exit codes shared by every tool.
enum exit_code : int { ok = 0, failed_check = 1, bad_input = 2, internal = 3 };

/// Parsed `--name value` and `--flag` options, and the positional words left over.
class options {
public:
    /// `with_value` lists the options that take a value (repeatable ones collect every value);
    /// `flags` those that do not. Anything else starting with "--" is a usage error.
    options(int argc, char** argv, std::vector<std::string> with_value,
            std::vector<std::string> flags = {}) {
        for (int i = 1; i < argc; ++i) {
            std::string arg = argv[i];
            if (arg.rfind("--", 0) != 0 || arg == "--") {
                positional_.push_back(arg);
                continue;
            }
            std::string name = arg.substr(2);
            std::optional<std::string> inline_value;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                inline_value = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            if (contains(with_value, name)) {
                if (inline_value) {
                    values_[name].push_back(*inline_value);
                } else if (i + 1 < argc) {
                    values_[name].push_back(argv[++i]);
                } else {
                    throw usage_error("option --" + name + " needs a value");
                }
            } else if (contains(flags, name) && !inline_value) {
                values_[name].push_back("");
            } else {
                throw usage_error("unknown option --" + name);
            }
        }
    }

    [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) != 0; }

    [[nodiscard]] std::optional<std::string> get(const std::string& name) const {
        const auto it = values_.find(name);
        if (it == values_.end()) {
            return std::nullopt;
        }
        if (it->second.size() > 1) {
            throw usage_error("option --" + name + " given more than once");
        }
        return it->second.front();
    }

    [[nodiscard]] std::string require(const std::string& name) const {
        auto v = get(name);
        if (!v) {
            throw usage_error("missing required option --" + name);
        }
        return *v;
    }

    [[nodiscard]] std::vector<std::string> all(const std::string& name) const {
        const auto it = values_.find(name);
        return it == values_.end() ? std::vector<std::string>{} : it->second;
    }

    [[nodiscard]] const std::vector<std::string>& positional() const { return positional_; }

private:
    static bool contains(const std::vector<std::string>& v, const std::string& s) {
        for (const auto& x : v) {
            if (x == s) {
                return true;
            }
        }
        return false;
    }

    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

/// Reads a whole file; throws cbpq::invalid_input naming the path if it cannot.
inline std::string read_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw cbpq::invalid_input(path, "", "is a directory, not a file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw cbpq::invalid_input(path, "", "cannot open file for reading");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        throw cbpq::invalid_input(path, "", "read error");
    }
    return buffer.str();
}

/// Files written together or not at all: each to a temporary file beside it (write), renamed
/// into place only once every one is written (commit), so a failure (an unwritable folder, a
/// full disk) leaves no output file and no temporary behind. If a rename fails, the files
/// already renamed are removed too (they would not match the old ones).
class output_files {
public:
    output_files() = default;
    output_files(const output_files&) = delete;
    output_files& operator=(const output_files&) = delete;
    ~output_files() {
        for (const auto& f : files_) {
            if (!f.renamed) {
                std::remove(f.tmp.c_str());
            }
        }
    }

    /// Writes `content` to a temporary file next to `path`. Throws storage_failure.
    void write(const std::string& path, std::string_view content) {
        files_.push_back(
            {path,
             path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(files_.size()),
             false});
        const std::string& tmp = files_.back().tmp;
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw cbpq::storage_failure("cannot open '" + tmp + "' for writing");
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            throw cbpq::storage_failure("cannot write '" + tmp + "'");
        }
    }

    /// Renames every temporary over its target. Throws storage_failure.
    void commit() {
        for (auto& f : files_) {
            if (std::rename(f.tmp.c_str(), f.path.c_str()) != 0) {
                for (const auto& done : files_) {
                    if (done.renamed) {
                        std::remove(done.path.c_str());
                    }
                }
                throw cbpq::storage_failure("cannot rename '" + f.tmp + "' to '" + f.path + "'");
            }
            f.renamed = true;
        }
    }

private:
    struct file {
        std::string path;
        std::string tmp;
        bool renamed;
    };
    std::vector<file> files_;
};

/// Writes `content` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. A crash leaves either the old file or the new one, never half.
inline void write_file_atomic(const std::string& path, std::string_view content) {
    output_files f;
    f.write(path, content);
    f.commit();
}

/// Runs a tool body and maps exceptions to exit codes and one line on stderr:
/// usage and input errors exit 2, verification failures 1, storage and other errors 3.
inline int run(std::string_view name, std::string_view usage, const std::function<int()>& body) {
    try {
        return body();
    } catch (const usage_error& e) {
        std::cerr << name << ": " << e.what() << "\n" << usage;
        return bad_input;
    } catch (const cbpq::invalid_input& e) {
        std::cerr << name << ": error: " << e.what() << '\n';
        return bad_input;
    } catch (const cbpq::verification_failure& e) {
        std::cerr << name << ": verification failed: " << e.what() << '\n';
        return failed_check;
    } catch (const std::exception& e) {
        std::cerr << name << ": error: " << e.what() << '\n';
        return internal;
    }
}

} // namespace tool

#endif
