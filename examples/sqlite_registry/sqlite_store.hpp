// SPDX-License-Identifier: BSL-1.0
// A SQLite-backed store modelling cbpq's pool_reader, registration_writer, allocation_store and
// reservation_store (include/cbpq/store.hpp). The schema and the reasons for each statement are
// in docs/hosting.md. Not part of the library: the host application of examples/sqlite_registry
// and the SQLite run of the store conformance suite both use it.
#ifndef CBPQ_EXAMPLES_SQLITE_STORE_HPP
#define CBPQ_EXAMPLES_SQLITE_STORE_HPP

#include <cbpq/audit.hpp>
#include <cbpq/store.hpp>

#include <sqlite3.h>

#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace registry {

/// The schema (docs/hosting.md explains it). Every table is created in one transaction.
inline constexpr const char* schema_sql = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE registration (
  seq        INTEGER PRIMARY KEY,          -- order of arrival
  id         TEXT NOT NULL UNIQUE,
  registered INTEGER NOT NULL,
  given      TEXT NOT NULL,
  surname    TEXT NOT NULL,
  birth      TEXT NOT NULL,
  document   TEXT NOT NULL,
  phone      TEXT NOT NULL,
  email      TEXT NOT NULL,
  port       TEXT NOT NULL,
  party      INTEGER NOT NULL CHECK (party >= 1),
  decision   TEXT NOT NULL CHECK (decision IN ('keep', 'review', 'cancel')),
  rule       TEXT,                          -- the duplicate rule that decided, if any
  score      REAL,
  other      TEXT                           -- the registration the rule links to
);
CREATE TABLE day (
  label   TEXT PRIMARY KEY,                 -- unique: a day commits once
  date    TEXT NOT NULL,
  seed    TEXT NOT NULL,
  receipt TEXT NOT NULL                     -- the receipt JSON (docs/receipts.md)
);
CREATE TABLE day_entrant (
  label TEXT NOT NULL REFERENCES day(label),
  id    TEXT NOT NULL,
  port  TEXT NOT NULL,
  party INTEGER NOT NULL,
  PRIMARY KEY (label, id)
);
CREATE TABLE capacity (
  date          TEXT NOT NULL,
  port          TEXT NOT NULL,
  slot          TEXT NOT NULL,              -- '' is the whole port-day
  persons_limit INTEGER NOT NULL,
  persons_used  INTEGER NOT NULL DEFAULT 0 CHECK (persons_used <= persons_limit),
  parties_limit INTEGER,                    -- port-day row only; NULL: no cap
  parties_used  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (date, port, slot)
) WITHOUT ROWID;
CREATE TABLE reservation (
  id      TEXT PRIMARY KEY,                 -- one person, one appointment, ever
  label   TEXT NOT NULL,
  date    TEXT NOT NULL,
  port    TEXT NOT NULL,
  slot    TEXT NOT NULL,
  persons INTEGER NOT NULL,
  state   TEXT NOT NULL CHECK (state IN ('held', 'confirmed', 'cancelled', 'no_show'))
);
)sql";

/// A SQLite failure as cbpq's storage_failure, with SQLite's message.
[[noreturn]] inline void fail(sqlite3* db, std::string_view what) {
    throw cbpq::storage_failure(std::string(what) + ": " + sqlite3_errmsg(db));
}

/// A prepared statement, finalised on destruction.
class statement {
public:
    statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) {
            fail(db, std::string("prepare '") + sql + "'");
        }
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(st_); }

    statement& bind(int i, std::string_view s) {
        // An empty view may have no data pointer, which SQLite would bind as NULL.
        check(sqlite3_bind_text(st_, i, s.data() != nullptr ? s.data() : "",
                                static_cast<int>(s.size()), SQLITE_TRANSIENT));
        return *this;
    }
    statement& bind(int i, std::int64_t v) {
        check(sqlite3_bind_int64(st_, i, v));
        return *this;
    }
    statement& bind(int i, double v) {
        check(sqlite3_bind_double(st_, i, v));
        return *this;
    }
    statement& bind_null(int i) {
        check(sqlite3_bind_null(st_, i));
        return *this;
    }
    /// True while there is a row.
    bool step() {
        const int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) {
            return true;
        }
        if (rc == SQLITE_DONE) {
            return false;
        }
        fail(db_, "step");
    }
    void run() {
        (void)step();
        reset();
    }
    void reset() {
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
    [[nodiscard]] std::string text(int i) const {
        const auto* p = sqlite3_column_text(st_, i);
        return p == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(p),
                                          static_cast<std::size_t>(sqlite3_column_bytes(st_, i)));
    }
    [[nodiscard]] std::int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }
    [[nodiscard]] bool is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) {
            fail(db_, "bind");
        }
    }
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

inline cbpq::reservation_state state_from(const std::string& s) {
    if (s == "confirmed") {
        return cbpq::reservation_state::confirmed;
    }
    if (s == "cancelled") {
        return cbpq::reservation_state::cancelled;
    }
    if (s == "no_show") {
        return cbpq::reservation_state::no_show;
    }
    return cbpq::reservation_state::held;
}

inline cbpq::dedup_decision decision_from(const std::string& s) {
    if (s == "cancel") {
        return cbpq::dedup_decision::cancel;
    }
    if (s == "review") {
        return cbpq::dedup_decision::review;
    }
    return cbpq::dedup_decision::keep;
}

/// The SQLite store. One connection; statements run in the caller's transaction if one is
/// open (the registry opens BEGIN IMMEDIATE per command), and commit_day nests in a SAVEPOINT
/// so that it is all or nothing on its own too.
class sqlite_store {
public:
    /// Opens (creating if needed) the database file. busy_timeout makes concurrent writers
    /// wait for each other instead of failing. `with_schema` creates the schema too.
    explicit sqlite_store(const std::string& path, bool with_schema = false, int busy_ms = 60000) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw cbpq::storage_failure("cannot open " + path + ": " + m);
        }
        sqlite3_busy_timeout(db_, busy_ms);
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA foreign_keys=ON");
        if (with_schema) {
            create_schema();
        }
    }
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;
    sqlite_store& operator=(sqlite_store&&) = delete;
    ~sqlite_store() { sqlite3_close_v2(db_); }

    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

    void exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "error";
            sqlite3_free(err);
            throw cbpq::storage_failure(std::string("'") + sql + "': " + m);
        }
    }

    /// Test hook: the step counter of crash_point(); at step `crash_at` the process kills
    /// itself with SIGKILL (0: never). Lets a test interrupt a command between any two writes.
    std::uint64_t crash_at = 0;
    std::uint64_t steps = 0;
    void crash_point() {
        if (++steps == crash_at) {
            std::raise(SIGKILL);
        }
    }

    void create_schema() { exec(schema_sql); }

    [[nodiscard]] bool has_schema() {
        statement q(db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
        return q.step() && q.integer(0) == 1;
    }

    void set_meta(std::string_view key, std::string_view value) {
        statement q(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
        q.bind(1, key).bind(2, value).run();
    }
    [[nodiscard]] std::optional<std::string> meta(std::string_view key) const {
        statement q(db_, "SELECT value FROM meta WHERE key = ?1");
        q.bind(1, key);
        if (!q.step()) {
            return std::nullopt;
        }
        return q.text(0);
    }

    // -- registrations ---------------------------------------------------------------------

    /// Records a registration (registration_writer). Throws invalid_input on a known id.
    void add_registration(const cbpq::registration& r, cbpq::dedup_decision d) {
        add_registration(r, d, std::nullopt, 0.0, std::nullopt);
    }
    void add_registration(const cbpq::registration& r, cbpq::dedup_decision d,
                          const std::optional<std::string>& rule, double score,
                          const std::optional<std::string>& other) {
        if (!insert_reg_) {
            insert_reg_.emplace(db_, "INSERT INTO registration(id, registered, given, surname, "
                                     "birth, document, phone, email, port, party, decision, "
                                     "rule, score, other) VALUES "
                                     "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
        }
        {
            statement q(db_, "SELECT 1 FROM registration WHERE id = ?1");
            if (q.bind(1, r.id).step()) {
                cbpq::detail::throw_invalid_input("registration " + r.id, "id",
                                                  "already registered");
            }
        }
        crash_point();
        auto& q = *insert_reg_;
        q.bind(1, r.id).bind(2, r.registered).bind(3, r.given).bind(4, r.surname);
        q.bind(5, r.birth).bind(6, r.document).bind(7, r.phone).bind(8, r.email);
        q.bind(9, r.port).bind(10, r.party).bind(11, cbpq::to_string(d));
        if (rule) {
            q.bind(12, *rule).bind(13, score);
        } else {
            q.bind_null(12).bind_null(13);
        }
        if (other) {
            q.bind(14, *other);
        } else {
            q.bind_null(14);
        }
        q.run();
    }

    /// The decision on record for `id`; nullopt for an unknown id (registration_writer).
    [[nodiscard]] std::optional<cbpq::dedup_decision> decision_of(std::string_view id) const {
        statement q(db_, "SELECT decision FROM registration WHERE id = ?1");
        if (!q.bind(1, id).step()) {
            return std::nullopt;
        }
        return decision_from(q.text(0));
    }

    bool set_decision(std::string_view id, cbpq::dedup_decision d) {
        statement q(db_, "UPDATE registration SET decision = ?2 WHERE id = ?1");
        q.bind(1, id).bind(2, cbpq::to_string(d)).run();
        return sqlite3_changes(db_) == 1;
    }

    /// Every registration in order of arrival (to rebuild the duplicate engine).
    [[nodiscard]] std::vector<cbpq::registration> all_registrations() const {
        return select_registrations("SELECT id, registered, given, surname, birth, document, "
                                    "phone, email, port, party FROM registration ORDER BY seq");
    }

    // -- pool_reader -----------------------------------------------------------------------

    /// Registrations not cancelled as duplicates and never reserved, in order of arrival.
    [[nodiscard]] std::vector<cbpq::registration> eligible_pool(cbpq::civil_date) const {
        return select_registrations(
            "SELECT id, registered, given, surname, birth, document, phone, email, port, party "
            "FROM registration r WHERE decision <> 'cancel' "
            "AND NOT EXISTS (SELECT 1 FROM reservation v WHERE v.id = r.id) ORDER BY seq");
    }

    // -- allocation_store ------------------------------------------------------------------

    [[nodiscard]] std::optional<cbpq::day_commit> committed(std::string_view label) const {
        statement q(db_, "SELECT date, receipt FROM day WHERE label = ?1");
        if (!q.bind(1, label).step()) {
            return std::nullopt;
        }
        cbpq::day_commit c;
        c.date = cbpq::parse_date(q.text(0));
        c.day_receipt = cbpq::receipt_from_json(q.text(1), "day '" + std::string(label) + "'");
        statement e(db_, "SELECT id, port, party FROM day_entrant WHERE label = ?1 ORDER BY rowid");
        e.bind(1, label);
        while (e.step()) {
            c.entrants.push_back({e.text(0), e.text(1), e.integer(2)});
        }
        return c;
    }

    /// The receipt JSON of a committed label, as stored.
    [[nodiscard]] std::optional<std::string> receipt_json(std::string_view label) const {
        statement q(db_, "SELECT receipt FROM day WHERE label = ?1");
        if (!q.bind(1, label).step()) {
            return std::nullopt;
        }
        return q.text(0);
    }

    /// Commits a day inside SAVEPOINT commit_day: the day row (its primary key makes a second
    /// commit of the label impossible), its entrants, its capacity rows and one reservation per
    /// selected party through reserve(). Anything that fails rolls the savepoint back.
    cbpq::commit_status commit_day(const cbpq::day_commit& c) {
        exec("SAVEPOINT commit_day");
        try {
            const auto status = commit_inside(c);
            if (status != cbpq::commit_status::committed) {
                exec("ROLLBACK TO commit_day");
            }
            exec("RELEASE commit_day");
            return status;
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK TO commit_day; RELEASE commit_day", nullptr, nullptr,
                         nullptr);
            throw;
        }
    }

    // -- reservation_store -----------------------------------------------------------------

    /// Books r if the person never had a reservation and r fits the slot row and the
    /// port-day row (persons and parties). Inside SAVEPOINT reserve: all or nothing.
    bool reserve(const cbpq::reservation& r) {
        exec("SAVEPOINT reserve");
        try {
            const bool ok = reserve_inside(r);
            exec(ok ? "RELEASE reserve" : "ROLLBACK TO reserve; RELEASE reserve");
            return ok;
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK TO reserve; RELEASE reserve", nullptr, nullptr, nullptr);
            throw;
        }
    }

    std::optional<cbpq::reservation> release(std::string_view id, cbpq::reservation_state to) {
        if (cbpq::holds_capacity(to)) {
            return std::nullopt;
        }
        auto r = reservation_of(id);
        if (!r || !cbpq::holds_capacity(r->state)) {
            return std::nullopt;
        }
        exec("SAVEPOINT release_res");
        try {
            statement u(db_, "UPDATE reservation SET state = ?2 WHERE id = ?1");
            u.bind(1, id).bind(2, cbpq::to_string(to)).run();
            const std::string date = cbpq::format_date(r->where.date);
            statement p(db_, "UPDATE capacity SET persons_used = persons_used - ?4, "
                             "parties_used = parties_used - (slot = '') "
                             "WHERE date = ?1 AND port = ?2 AND (slot = '' OR slot = ?3)");
            p.bind(1, date).bind(2, r->where.port).bind(3, r->where.slot).bind(4, r->persons).run();
            exec("RELEASE release_res");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK TO release_res; RELEASE release_res", nullptr, nullptr,
                         nullptr);
            throw;
        }
        return r;
    }

    bool confirm(cbpq::civil_date d, std::string_view id) {
        statement u(db_, "UPDATE reservation SET state = 'confirmed' "
                         "WHERE id = ?1 AND date = ?2 AND state = 'held'");
        u.bind(1, id).bind(2, cbpq::format_date(d)).run();
        return sqlite3_changes(db_) == 1;
    }

    [[nodiscard]] std::optional<cbpq::reservation> reservation_of(std::string_view id) const {
        statement q(db_, "SELECT label, date, port, slot, persons, state FROM reservation "
                         "WHERE id = ?1");
        if (!q.bind(1, id).step()) {
            return std::nullopt;
        }
        cbpq::reservation r;
        r.label = q.text(0);
        r.where = {q.text(2), cbpq::parse_date(q.text(1)), q.text(3)};
        r.id = std::string(id);
        r.persons = q.integer(4);
        r.state = state_from(q.text(5));
        return r;
    }

private:
    std::vector<cbpq::registration> select_registrations(const char* sql) const {
        statement q(db_, sql);
        std::vector<cbpq::registration> out;
        while (q.step()) {
            cbpq::registration r;
            r.id = q.text(0);
            r.registered = q.integer(1);
            r.given = q.text(2);
            r.surname = q.text(3);
            r.birth = q.text(4);
            r.document = q.text(5);
            r.phone = q.text(6);
            r.email = q.text(7);
            r.port = q.text(8);
            r.party = q.integer(9);
            out.push_back(std::move(r));
        }
        return out;
    }

    cbpq::commit_status commit_inside(const cbpq::day_commit& c) {
        {
            statement q(db_, "SELECT seed FROM day WHERE label = ?1");
            if (q.bind(1, c.label()).step()) {
                return q.text(0) == c.day_receipt.seed.to_hex()
                           ? cbpq::commit_status::already_committed
                           : cbpq::commit_status::refused;
            }
        }
        const std::string date = cbpq::format_date(c.date);
        crash_point();
        statement d(db_, "INSERT INTO day(label, date, seed, receipt) VALUES (?1, ?2, ?3, ?4)");
        d.bind(1, c.label()).bind(2, date).bind(3, c.day_receipt.seed.to_hex());
        d.bind(4, cbpq::receipt_to_json(c.day_receipt)).run();
        statement e(db_, "INSERT INTO day_entrant(label, id, port, party) VALUES (?1,?2,?3,?4)");
        for (std::size_t i = 0; i < c.entrants.size(); ++i) {
            if (i % 1000 == 0) {
                crash_point();
            }
            const auto& x = c.entrants[i];
            e.bind(1, c.label()).bind(2, x.id).bind(3, x.port).bind(4, x.party).run();
        }
        statement cap(db_, "INSERT INTO capacity(date, port, slot, persons_limit, parties_limit) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)");
        for (const auto& p : c.day_receipt.capacity.ports) {
            crash_point();
            cap.bind(1, date).bind(2, p.port).bind(3, std::string_view()).bind(4, p.persons);
            if (p.parties) {
                cap.bind(5, *p.parties);
            } else {
                cap.bind_null(5);
            }
            cap.run();
            for (const auto& s : p.slots) {
                cap.bind(1, date).bind(2, p.port).bind(3, s.label).bind(4, s.persons).bind_null(5);
                cap.run();
            }
        }
        for (const auto& p : c.day_receipt.result) {
            for (const auto& s : p.selected) {
                crash_point();
                const cbpq::reservation r{{p.port, c.date, s.slot},
                                          c.label(),
                                          s.id,
                                          s.party,
                                          cbpq::reservation_state::held};
                if (!reserve_inside(r)) {
                    throw cbpq::storage_failure("selected party " + s.id + " at " + p.port +
                                                " does not fit its own capacity");
                }
            }
        }
        crash_point();
        return cbpq::commit_status::committed;
    }

    bool reserve_inside(const cbpq::reservation& r) {
        if (r.persons < 1) {
            return false;
        }
        if (!has_res_) {
            has_res_.emplace(db_, "SELECT 1 FROM reservation WHERE id = ?1");
            port_row_.emplace(db_, "SELECT persons_limit - persons_used, parties_limit, "
                                   "parties_used, (SELECT count(*) FROM capacity s WHERE "
                                   "s.date = c.date AND s.port = c.port AND s.slot <> '') "
                                   "FROM capacity c WHERE date = ?1 AND port = ?2 AND slot = ''");
            slot_row_.emplace(db_, "SELECT persons_limit - persons_used FROM capacity "
                                   "WHERE date = ?1 AND port = ?2 AND slot = ?3");
            use_.emplace(db_, "UPDATE capacity SET persons_used = persons_used + ?4, "
                              "parties_used = parties_used + (slot = '') "
                              "WHERE date = ?1 AND port = ?2 AND (slot = '' OR slot = ?3)");
            insert_res_.emplace(db_, "INSERT INTO reservation(id, label, date, port, slot, "
                                     "persons, state) VALUES (?1,?2,?3,?4,?5,?6,'held')");
        }
        const bool known = has_res_->bind(1, r.id).step();
        has_res_->reset();
        if (known) {
            return false;
        }
        const std::string date = cbpq::format_date(r.where.date);
        auto& pr = *port_row_;
        pr.bind(1, date).bind(2, r.where.port);
        if (!pr.step()) {
            pr.reset();
            return false;
        }
        const std::int64_t room = pr.integer(0);
        const bool party_cap = !pr.is_null(1);
        const std::int64_t parties_room = party_cap ? pr.integer(1) - pr.integer(2) : 1;
        const bool grid = pr.integer(3) > 0;
        pr.reset();
        if (room < r.persons || parties_room < 1 || grid == r.where.slot.empty()) {
            return false;
        }
        if (grid) {
            auto& sr = *slot_row_;
            sr.bind(1, date).bind(2, r.where.port).bind(3, r.where.slot);
            const bool found = sr.step();
            const std::int64_t slot_room = found ? sr.integer(0) : 0;
            sr.reset();
            if (!found || slot_room < r.persons) {
                return false;
            }
        }
        use_->bind(1, date).bind(2, r.where.port).bind(3, r.where.slot).bind(4, r.persons).run();
        auto& ins = *insert_res_;
        ins.bind(1, r.id).bind(2, r.label).bind(3, date).bind(4, r.where.port);
        ins.bind(5, r.where.slot).bind(6, r.persons).run();
        return true;
    }

    sqlite3* db_ = nullptr;
    std::optional<statement> insert_reg_, has_res_, port_row_, slot_row_, use_, insert_res_;
};

} // namespace registry

#endif
