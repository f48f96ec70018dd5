// SPDX-License-Identifier: BSL-1.0
// The store conformance suite over sqlite_store (each case on a fresh database file).
#include "sqlite_store.hpp"
#include "store_conformance.hpp"

#include <atomic>
#include <filesystem>
#include <string>

template <>
struct conformance::store_factory<registry::sqlite_store> {
    static registry::sqlite_store make() {
        static std::atomic<int> n{0};
        const std::filesystem::path dir = CBPQ_SQLITE_TEST_DIR;
        std::filesystem::create_directories(dir);
        const auto path = dir / ("store-" + std::to_string(n++) + ".db");
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path.string() + suffix);
        }
        return registry::sqlite_store(path.string(), true);
    }
};

static_assert(cbpq::pool_reader<registry::sqlite_store>);
static_assert(cbpq::allocation_store<registry::sqlite_store>);
static_assert(cbpq::reservation_store<registry::sqlite_store>);
static_assert(cbpq::registration_writer<registry::sqlite_store>);
// sqlite_store's confirm may throw (SQLite errors), so cbpq::confirm on it is not noexcept.
static_assert(!noexcept(cbpq::confirm(std::declval<registry::sqlite_store&>(), cbpq::civil_date{},
                                      std::string_view{})));

TEST_CASE_TEMPLATE_INVOKE(store_conformance_commit, registry::sqlite_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_reserve, registry::sqlite_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_slots, registry::sqlite_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_atomic, registry::sqlite_store);
TEST_CASE_TEMPLATE_INVOKE(store_conformance_promote, registry::sqlite_store);
