// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_RANDOM_HPP
#define CBPQ_RANDOM_HPP

/// \file
/// The verifiable randomness every draw rests on: a 256-bit seed fixed after registration
/// closes, a per-draw key derived from (seed, label), and a 64-bit keyed place per entrant.
/// Everything here is specified byte for byte in docs/randomness.md and reproduces on every
/// compiler, standard library and platform. No global state: every function is pure, every
/// object may be shared read-only between threads.

#include "detail/bytes.hpp"
#include "detail/lane_keys.hpp"
#include "detail/sha256.hpp"
#include "detail/siphash.hpp"
#include "error.hpp"

#include <algorithm>
#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// Version of the randomness specification (docs/randomness.md). Receipts record it.
inline constexpr std::string_view randomness_spec_version = "cbpq-random-v0";

/// SHA-256 (FIPS 180-4) of `data`. O(n); noexcept.
[[nodiscard]] inline std::array<unsigned char, 32> sha256(std::string_view data) noexcept {
    return detail::sha256::hash(data);
}

/// SipHash-2-4 of `data` under the 16-byte key `key` (read as in the reference code). O(n).
[[nodiscard]] inline std::uint64_t siphash24(const std::array<unsigned char, 16>& key,
                                             std::string_view data) noexcept {
    return detail::siphash24(detail::load_le64(key.data()), detail::load_le64(key.data() + 8),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

/// The RFC 3797 key string of public source values: sources separated by '/', values within a
/// source separated by white space; each value a non-negative decimal integer. Values are sorted
/// numerically within a source, each written without leading zeros and followed by '.', and each
/// source closed by '/'. "9319/2 5 12 8 10" gives "9319./2.5.8.10.12./".
/// Throws invalid_input naming the source (1-based) and value on anything else.
[[nodiscard]] inline std::string public_values_key(std::string_view text) {
    std::string key;
    std::size_t source = 0;
    std::size_t pos = 0;
    if (text.empty()) {
        detail::throw_invalid_input("public values", "source 1", "no sources given");
    }
    while (pos <= text.size()) {
        std::size_t end = text.find('/', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view part = text.substr(pos, end - pos);
        ++source;
        const std::string where = "source " + std::to_string(source);
        std::vector<std::string> values;
        std::size_t i = 0;
        while (i < part.size()) {
            if (part[i] == ' ' || part[i] == '\t' || part[i] == '\n' || part[i] == '\r') {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j < part.size() && part[j] >= '0' && part[j] <= '9') {
                ++j;
            }
            if (j == i || (j < part.size() && part[j] != ' ' && part[j] != '\t' &&
                           part[j] != '\n' && part[j] != '\r')) {
                std::size_t k = i;
                while (k < part.size() && part[k] != ' ' && part[k] != '\t' && part[k] != '\n' &&
                       part[k] != '\r') {
                    ++k;
                }
                detail::throw_invalid_input("public values", where,
                                            "value '" + std::string(part.substr(i, k - i)) +
                                                "' is not a non-negative decimal integer");
            }
            std::string_view digits = part.substr(i, j - i);
            while (digits.size() > 1 && digits.front() == '0') {
                digits.remove_prefix(1);
            }
            values.emplace_back(digits);
            i = j;
        }
        if (values.empty()) {
            // A trailing '/' after the last source is allowed; an empty source elsewhere is not.
            if (end == text.size() && source > 1 && pos == text.size()) {
                break;
            }
            detail::throw_invalid_input("public values", where, "source has no values");
        }
        std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
            return a.size() != b.size() ? a.size() < b.size() : a < b;
        });
        for (const auto& v : values) {
            key += v;
            key += '.';
        }
        key += '/';
        if (end == text.size()) {
            break;
        }
        pos = end + 1;
    }
    return key;
}

/// SHA-256 commitment to a secret, published before the registration window closes.
class commitment {
public:
    using bytes_type = std::array<unsigned char, 32>;

    constexpr commitment() noexcept = default;
    constexpr explicit commitment(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// The commitment to `secret`: SHA-256("cbpq-v0 commit" || secret). The secret must hold at
    /// least 16 bytes (use 32 random bytes); throws invalid_input otherwise.
    [[nodiscard]] static commitment to(std::string_view secret) {
        check_secret(secret);
        return commitment(detail::sha256{}.update("cbpq-v0 commit").update(secret).finish());
    }

    /// Parses 64 hex digits. Throws invalid_input naming the field `commitment`.
    [[nodiscard]] static commitment from_hex(std::string_view text) {
        bytes_type b{};
        if (!detail::from_hex(text, b)) {
            detail::throw_invalid_input("commitment", "commitment",
                                        "expected 64 hexadecimal digits");
        }
        return commitment(b);
    }

    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::string to_hex() const { return detail::to_hex(bytes_); }
    friend constexpr bool operator==(const commitment&, const commitment&) noexcept = default;

    static void check_secret(std::string_view secret) {
        if (secret.size() < 16) {
            detail::throw_invalid_input("reveal", "secret",
                                        "a secret must hold at least 16 bytes (32 are advised)");
        }
    }

private:
    bytes_type bytes_{};
};

/// A 256-bit draw seed. Fix it only after the registration window closes, from values nobody
/// controls (public_values), a commit-then-reveal, or both (combine). Copyable value type.
class seed {
public:
    using bytes_type = std::array<unsigned char, 32>;

    /// The all-zero seed; useful only as a placeholder.
    constexpr seed() noexcept = default;
    constexpr explicit seed(const bytes_type& bytes) noexcept : bytes_(bytes) {}

    /// Parses exactly 64 hexadecimal digits (either case). Throws invalid_input naming `seed`.
    [[nodiscard]] static seed from_hex(std::string_view text) {
        bytes_type b{};
        if (!detail::from_hex(text, b)) {
            detail::throw_invalid_input("seed", "seed",
                                        "expected 64 hexadecimal digits, got '" +
                                            std::string(text.substr(0, 80)) + "'");
        }
        return seed(b);
    }

    /// SHA-256 of the RFC 3797 key string of public values (see public_values_key).
    [[nodiscard]] static seed from_public_values(std::string_view text) {
        return seed(sha256(public_values_key(text)));
    }

    /// The seed of a revealed secret, after checking it against the commitment published
    /// earlier: SHA-256("cbpq-v0 reveal" || secret). Throws verification_failure if the secret
    /// does not match the commitment.
    [[nodiscard]] static seed from_reveal(std::string_view secret, const commitment& published) {
        if (commitment::to(secret) != published) {
            detail::throw_verification_failure(
                "the revealed secret does not match the published commitment");
        }
        return seed(detail::sha256{}.update("cbpq-v0 reveal").update(secret).finish());
    }

    /// Combines two seeds (say a reveal and public values) so that neither party alone
    /// controls the result: SHA-256("cbpq-v0 combine" || a || b).
    [[nodiscard]] static seed combine(const seed& a, const seed& b) noexcept {
        detail::sha256 h;
        h.update("cbpq-v0 combine");
        h.update(a.bytes_.data(), a.bytes_.size());
        h.update(b.bytes_.data(), b.bytes_.size());
        return seed(h.finish());
    }

    [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::string to_hex() const { return detail::to_hex(bytes_); }
    friend constexpr bool operator==(const seed&, const seed&) noexcept = default;

private:
    bytes_type bytes_{};
};

/// The canonical bytes of an entrant id (docs/randomness.md, "Entrant ids"):
/// - an integer with value >= 0: 'I' (0x49) then the value as 8 bytes big-endian;
/// - a negative integer: 'N' (0x4E) then its 64-bit two's complement, 8 bytes big-endian;
/// - a string: 'S' (0x53) then its bytes exactly as given (no normalisation).
/// Integers of any width and signedness with the same value have the same bytes.
template <class T>
concept integer_id =
    std::integral<T> && !std::same_as<std::remove_cv_t<T>, bool> &&
    !std::same_as<std::remove_cv_t<T>, char> && !std::same_as<std::remove_cv_t<T>, char8_t>;

/// An entrant id cbpq can key: an integer (not bool or char) or anything convertible to
/// std::string_view.
template <class T>
concept entrant_id = integer_id<T> || std::convertible_to<const T&, std::string_view>;

namespace detail {

template <integer_id T>
constexpr std::pair<unsigned char, std::uint64_t> integer_id_parts(T v) noexcept {
    if constexpr (std::is_signed_v<T>) {
        if (v < 0) {
            return {static_cast<unsigned char>('N'),
                    static_cast<std::uint64_t>(static_cast<std::int64_t>(v))};
        }
    }
    return {static_cast<unsigned char>('I'), static_cast<std::uint64_t>(v)};
}

} // namespace detail

/// The canonical bytes of `id` as a string (see entrant_id). Allocates; the draw itself never
/// needs it for integers.
template <entrant_id Id>
[[nodiscard]] std::string canonical_id_bytes(const Id& id) {
    if constexpr (integer_id<Id>) {
        const auto [tag, value] = detail::integer_id_parts(id);
        std::string out(9, '\0');
        out[0] = static_cast<char>(tag);
        unsigned char b[8];
        detail::store_be64(b, value);
        for (std::size_t i = 0; i < 8; ++i) {
            out[i + 1] = static_cast<char>(b[i]);
        }
        return out;
    } else {
        const std::string_view s = id;
        std::string out;
        out.reserve(s.size() + 1);
        out += 'S';
        out += s;
        return out;
    }
}

/// Three-way comparison of two ids by their canonical bytes (unsigned lexicographic): the tie
/// rule for equal keys. Integers compare without building the bytes.
template <entrant_id Id>
[[nodiscard]] constexpr std::strong_ordering compare_ids(const Id& a, const Id& b) noexcept {
    if constexpr (integer_id<Id>) {
        const auto pa = detail::integer_id_parts(a);
        const auto pb = detail::integer_id_parts(b);
        return pa <=> pb;
    } else {
        const std::string_view sa = a;
        const std::string_view sb = b;
        const std::size_t n = std::min(sa.size(), sb.size());
        for (std::size_t i = 0; i < n; ++i) {
            const auto ca = static_cast<unsigned char>(sa[i]);
            const auto cb = static_cast<unsigned char>(sb[i]);
            if (ca != cb) {
                return ca <=> cb;
            }
        }
        return sa.size() <=> sb.size();
    }
}

/// Maps a 64-bit key to a double in the open interval (0, 1), exactly:
/// u = (2 * (k >> 12) + 1) / 2^53. Every value is exactly representable, so the mapping is the
/// same on every IEEE-754 platform. noexcept, constexpr.
[[nodiscard]] constexpr double unit_interval(std::uint64_t k) noexcept {
    return static_cast<double>(((k >> 12) << 1) | 1U) * 0x1.0p-53;
}

/// Unbiased integer in [0, n) from a generator of uniform 64-bit words: Lemire's
/// nearly-divisionless method ("Fast Random Integer Generation in an Interval", ACM TOMACS
/// 2019). Consumes one word, and more only on rare rejection. n must be > 0.
template <class Next>
[[nodiscard]] constexpr std::uint64_t bounded(std::uint64_t n, Next&& next) {
    auto mul = [](std::uint64_t x, std::uint64_t y, std::uint64_t& low) {
        // 64x64 -> 128 from 32-bit halves: portable and exact.
        const std::uint64_t x0 = x & 0xffffffffU, x1 = x >> 32;
        const std::uint64_t y0 = y & 0xffffffffU, y1 = y >> 32;
        const std::uint64_t p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
        const std::uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffU) + (p10 & 0xffffffffU);
        low = (mid << 32) | (p00 & 0xffffffffU);
        return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    };
    std::uint64_t low = 0;
    std::uint64_t high = mul(next(), n, low);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            high = mul(next(), n, low);
        }
    }
    return high;
}

/// A keyed stream of uniform 64-bit words: word j of stream s under key (k0, k1) is
/// SipHash-2-4(k, 'R' || s as 8 bytes big-endian || j as 8 bytes big-endian). Models
/// std::uniform_random_bit_generator, so it may drive any algorithm, but results that must
/// reproduce use only bounded(), unit_interval() and keyed_shuffle() on it.
class keyed_stream {
public:
    using result_type = std::uint64_t;

    constexpr keyed_stream(std::uint64_t k0, std::uint64_t k1, std::uint64_t stream) noexcept
        : after_first_(k0, k1), stream_low_(stream & 0xffU) {
        // The message's first 8 bytes ('R' and the stream's top 7 bytes) are the same for every
        // word of the stream: absorb them once here.
        after_first_.absorb(std::uint64_t{'R'} | (detail::reverse_bytes64(stream) << 8));
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return ~result_type{0}; }

    /// The next word: SipHash-2-4(key, 'R' || stream as 8 bytes big-endian || counter as 8
    /// bytes big-endian), counter = 0, 1, 2 ... noexcept, O(1).
    /// Where the CPU has SIMD lanes (detail/lane_keys.hpp), words after the first are computed
    /// eight at a time and handed out in order: the same words. Measured with AVX-512 against
    /// one at a time (bench/random_bench.cpp, BM_keyed_stream_short and its _one_at_a_time
    /// baseline): a stream of 8 words or more costs about half as much, one of 5 about the
    /// same, one of 2 or 3 up to twice as much (the generator's and the replay's streams draw
    /// 5 or more); one of 1 word about a tenth more (the first word is always computed alone;
    /// the rest is the larger object). Without SIMD lanes (CBPQ_NO_SIMD, or not x86-64) every
    /// word is computed alone.
    constexpr result_type operator()() noexcept {
        if (next_ < ahead_) {
            ++counter_;
            return words_[next_++];
        }
        if (!std::is_constant_evaluated() && counter_ != 0) {
            const detail::lane_hash_fn lanes = detail::chosen_lane_hash();
            if (lanes != &detail::lane_hash_scalar) {
                std::uint64_t m1[ahead];
                std::uint64_t m2[ahead];
                for (std::size_t i = 0; i < ahead; ++i) {
                    m1[i] = first_word(counter_ + i);
                    m2[i] = last_word(counter_ + i);
                }
                lanes(after_first_, m1, m2, words_.data());
                ahead_ = ahead;
                next_ = 1;
                ++counter_;
                return words_[0];
            }
        }
        const std::uint64_t counter = counter_++;
        detail::siphash_state st = after_first_;
        st.absorb(first_word(counter));
        st.absorb(last_word(counter));
        return st.finish();
    }

    /// Unbiased integer in [0, n), n > 0 (Lemire).
    constexpr std::uint64_t below(std::uint64_t n) noexcept {
        return bounded(n, [this] { return (*this)(); });
    }

    /// Double in (0, 1) through unit_interval().
    constexpr double uniform() noexcept { return unit_interval((*this)()); }

    /// How many words have been drawn.
    [[nodiscard]] constexpr std::uint64_t position() const noexcept { return counter_; }

private:
    static constexpr std::size_t ahead = 8;

    // The message's second and third little-endian words for word `counter`.
    [[nodiscard]] constexpr std::uint64_t first_word(std::uint64_t counter) const noexcept {
        return stream_low_ | (detail::reverse_bytes64(counter) << 8);
    }
    [[nodiscard]] static constexpr std::uint64_t last_word(std::uint64_t counter) noexcept {
        return (counter & 0xffU) | (std::uint64_t{17} << 56);
    }

    detail::siphash_state after_first_;
    std::uint64_t stream_low_;
    std::uint64_t counter_ = 0;                // words handed out
    std::array<std::uint64_t, ahead> words_{}; // words computed ahead: words_[next_, ahead_)
    std::uint8_t next_ = 0;
    std::uint8_t ahead_ = 0;
};

/// Fisher-Yates shuffle driven by a keyed stream: for i = n-1 down to 1, swap element i with
/// element below(i + 1). The same input order and stream give the same output everywhere.
/// Unlike the keyed order of draw_key, this depends on the input order. O(n).
template <std::ranges::random_access_range R>
void keyed_shuffle(R&& range, keyed_stream& stream) {
    auto first = std::ranges::begin(range);
    const auto n = static_cast<std::uint64_t>(std::ranges::distance(range));
    for (std::uint64_t i = n; i > 1; --i) {
        const std::uint64_t j = stream.below(i);
        using diff = std::iter_difference_t<decltype(first)>;
        std::ranges::iter_swap(first + static_cast<diff>(i - 1), first + static_cast<diff>(j));
    }
}

/// The key of one draw: 128 bits derived from the seed and the draw label with domain
/// separation, key = first 16 bytes of
/// SHA-256("cbpq-v0 draw key" || seed || len(label) as 8 bytes big-endian || label).
/// Labels name the draw (for example "2023-05-12/san-ysidro"); different labels give
/// independent keys. Cheap to copy; immutable; safe to share between threads.
class draw_key {
public:
    /// Derives the key. O(|label|); noexcept.
    draw_key(const seed& s, std::string_view label) noexcept {
        detail::sha256 h;
        h.update("cbpq-v0 draw key");
        h.update(s.bytes().data(), s.bytes().size());
        unsigned char len[8];
        detail::store_be64(len, static_cast<std::uint64_t>(label.size()));
        h.update(len, 8);
        h.update(label);
        const auto d = h.finish();
        for (std::size_t i = 0; i < 16; ++i) {
            bytes_[i] = d[i];
        }
        k0_ = detail::load_le64(bytes_.data());
        k1_ = detail::load_le64(bytes_.data() + 8);
    }

    /// The entrant's 64-bit place: SipHash-2-4(key, canonical_id_bytes(id)). Smaller keys come
    /// first; equal keys are ordered by compare_ids. O(|id|); noexcept; no allocation.
    template <entrant_id Id>
    [[nodiscard]] constexpr std::uint64_t entrant_key(const Id& id) const noexcept {
        if constexpr (integer_id<Id>) {
            const auto [tag, value] = detail::integer_id_parts(id);
            return detail::siphash24_tagged_u64(k0_, k1_, tag, value);
        } else {
            const std::string_view s = id;
            // Hash 'S' || bytes without building them: the tag is absorbed as the first byte.
            detail::siphash_state st(k0_, k1_);
            const std::size_t total = s.size() + 1;
            std::uint64_t word = static_cast<unsigned char>('S');
            std::size_t filled = 1;
            for (const char c : s) {
                word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8 * filled);
                if (++filled == 8) {
                    st.absorb(word);
                    word = 0;
                    filled = 0;
                }
            }
            word |= static_cast<std::uint64_t>(total & 0xffU) << 56;
            st.absorb(word);
            return st.finish();
        }
    }

    /// A keyed stream under this key (see keyed_stream); distinct ids give independent
    /// streams.
    [[nodiscard]] constexpr keyed_stream stream(std::uint64_t id) const noexcept {
        return keyed_stream(k0_, k1_, id);
    }

    /// The 16 key bytes (for receipts and cross-checks).
    [[nodiscard]] constexpr const std::array<unsigned char, 16>& bytes() const noexcept {
        return bytes_;
    }
    [[nodiscard]] constexpr std::uint64_t k0() const noexcept { return k0_; }
    [[nodiscard]] constexpr std::uint64_t k1() const noexcept { return k1_; }

private:
    std::array<unsigned char, 16> bytes_{};
    std::uint64_t k0_ = 0;
    std::uint64_t k1_ = 0;
};

CBPQ_END_NAMESPACE

#endif
