// SPDX-License-Identifier: BSL-1.0
// cbpq-registry: a host application on SQLite. Registrations arrive, duplicates are detected as
// they arrive, each day is drawn and committed with its receipt in one transaction, and
// confirmations, no-shows and cancellations release capacity and promote alternates.
//
//   cbpq-registry --db FILE init --plan PLAN
//   cbpq-registry --db FILE register --in REGS.csv
//   cbpq-registry --db FILE run-day --date YYYY-MM-DD (--seed HEX | --public-values "...")
//                 [--policy uniform] [--fill skip|strict] [--alternates N] [--max-party N]
//   cbpq-registry --db FILE confirm|no-show|cancel --date D --id ID
//   cbpq-registry --db FILE export --date D --receipt R.json --entrants E.csv
//                 --capacity C.csv [--slots S.csv]
//
// Every command is one SQLite transaction (BEGIN IMMEDIATE ... COMMIT): killed at any moment,
// the database holds all of the command or none of it. Exit 0 on success; 1 when run-day is
// refused (the date was drawn with another seed) or a person holds no reservation; 2 on bad
// input (file, line and column; nothing written); 3 on storage errors.
// Test hook: CBPQ_REGISTRY_CRASH_AT=N kills the process with SIGKILL at the N-th write step.

#include "sqlite_store.hpp"

#include "draw_files.hpp"
#include "tool.hpp"

#include <cbpq/audit.hpp>
#include <cbpq/capacity.hpp>
#include <cbpq/csv.hpp>
#include <cbpq/daily.hpp>
#include <cbpq/store.hpp>

#include <cstdlib>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

constexpr std::string_view usage =
    "usage: cbpq-registry --db FILE init --plan PLAN\n"
    "       cbpq-registry --db FILE register --in REGS.csv\n"
    "       cbpq-registry --db FILE run-day --date YYYY-MM-DD (--seed HEX | --public-values "
    "TEXT)\n"
    "                     [--policy uniform] [--fill skip|strict] [--alternates N] "
    "[--max-party N]\n"
    "       cbpq-registry --db FILE confirm|no-show|cancel --date D --id ID\n"
    "       cbpq-registry --db FILE export --date D --receipt R.json --entrants E.csv "
    "--capacity C.csv [--slots S.csv]\n";

// BEGIN IMMEDIATE takes the write lock first, so two commands never interleave; the
// destructor rolls back anything not committed (a thrown exception).
class transaction {
public:
    explicit transaction(registry::sqlite_store& s) : s_(s) { s_.exec("BEGIN IMMEDIATE"); }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction() {
        if (open_) {
            sqlite3_exec(s_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
    void commit() {
        s_.crash_point();
        s_.exec("COMMIT");
        open_ = false;
    }

private:
    registry::sqlite_store& s_;
    bool open_ = true;
};

void attach_crash_hook(registry::sqlite_store& s) {
    if (const char* v = std::getenv("CBPQ_REGISTRY_CRASH_AT")) {
        s.crash_at = std::strtoull(v, nullptr, 10);
    }
}

cbpq::capacity_plan load_plan(registry::sqlite_store& s) {
    if (!s.has_schema()) {
        throw tool::usage_error("the database is not initialised (run init first)");
    }
    const auto text = s.meta("plan");
    if (!text) {
        throw cbpq::storage_failure("the database holds no capacity plan");
    }
    return cbpq::capacity_plan::parse(*text, "plan in database");
}

cbpq::index_secret load_secret(registry::sqlite_store& s) {
    cbpq::index_secret secret{};
    const auto hex = s.meta("index_secret");
    if (hex && hex->size() == 32) {
        for (std::size_t i = 0; i < 16; ++i) {
            secret[i] = static_cast<unsigned char>(std::stoi(hex->substr(2 * i, 2), nullptr, 16));
        }
    }
    return secret;
}

std::string csv_field(std::string_view f) {
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(f);
    }
    std::string out = "\"";
    for (const char c : f) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    return out + "\"";
}

int cmd_init(registry::sqlite_store& s, const tool::options& opt) {
    const std::string plan_path = opt.require("plan");
    const std::string text = tool::read_file(plan_path);
    const auto plan = cbpq::capacity_plan::parse(text, plan_path); // refuse a bad plan first
    transaction t(s);
    if (s.has_schema()) {
        throw cbpq::invalid_input("database", "schema", "already initialised");
    }
    s.create_schema();
    s.set_meta("schema_version", "1");
    s.set_meta("plan", text);
    const auto secret = cbpq::random_index_secret();
    std::string hex;
    for (const unsigned char b : secret) {
        hex += "0123456789abcdef"[b >> 4];
        hex += "0123456789abcdef"[b & 15];
    }
    s.set_meta("index_secret", hex);
    t.commit();
    std::cout << "initialised: " << plan.port_names().size() << " ports\n";
    return tool::ok;
}

int cmd_register(registry::sqlite_store& s, const tool::options& opt) {
    const std::string path = opt.require("in");
    const cbpq::csv_table t = cbpq::parse_csv(tool::read_file(path), path);
    const char* names[] = {"id",       "registered", "given", "surname", "birth",
                           "document", "phone",      "email", "port",    "party"};
    std::size_t col[10];
    for (std::size_t i = 0; i < 10; ++i) {
        col[i] = t.require_column(names[i]);
    }
    transaction tx(s);
    const auto plan = load_plan(s);
    const auto ports = plan.port_names();
    std::unordered_set<std::string> known;
    for (const auto& r : s.all_registrations()) {
        known.insert(r.id);
    }
    // Validation pass: the whole file or nothing.
    std::vector<cbpq::registration> regs;
    regs.reserve(t.rows.size());
    std::unordered_set<std::string> in_file;
    for (std::size_t row = 0; row < t.rows.size(); ++row) {
        const auto& f = t.rows[row].fields;
        cbpq::registration r;
        r.id = f[col[0]];
        if (r.id.empty()) {
            t.fail(row, col[0], "empty id");
        }
        if (!in_file.insert(r.id).second) {
            t.fail(row, col[0], "duplicate id '" + r.id + "' in the file");
        }
        if (known.contains(r.id)) {
            t.fail(row, col[0], "id '" + r.id + "' is already registered");
        }
        const auto when = tool::parse_integer(f[col[1]]);
        if (!when) {
            t.fail(row, col[1], "'" + f[col[1]] + "' is not a whole number");
        }
        r.registered = *when;
        r.given = f[col[2]];
        r.surname = f[col[3]];
        r.birth = f[col[4]];
        r.document = f[col[5]];
        r.phone = f[col[6]];
        r.email = f[col[7]];
        r.port = f[col[8]];
        if (std::find(ports.begin(), ports.end(), r.port) == ports.end()) {
            t.fail(row, col[8], "unknown port '" + r.port + "'");
        }
        r.party = tool::count_field(t, row, col[9], 1, 20);
        try {
            cbpq::validate_registration(cbpq::registration_traits<cbpq::registration>::view(r));
        } catch (const cbpq::invalid_input& e) {
            std::size_t c = col[4];
            const std::string field = e.field();
            for (std::size_t i = 0; i < 10; ++i) {
                if (field == names[i]) {
                    c = col[i];
                }
            }
            t.fail(row, c, e.what());
        }
        regs.push_back(std::move(r));
    }
    // Rebuild the duplicate engine from the registrations on record (in order of arrival,
    // which reproduces their clusters), then add the new ones one by one as they arrive.
    cbpq::basic_deduplicator<cbpq::memory_identity_index> engine(
        cbpq::default_rules(), cbpq::dedup_options{}, cbpq::memory_identity_index(load_secret(s)));
    for (const auto& r : s.all_registrations()) {
        (void)engine.add(r);
    }
    std::size_t kept = 0;
    std::size_t review = 0;
    std::size_t cancelled = 0;
    std::size_t displaced = 0;
    for (const auto& r : regs) {
        const auto a = engine.add(r);
        std::optional<std::string> rule;
        std::optional<std::string> other;
        if (a.result.rule) {
            rule = engine.rules()[*a.result.rule].name;
            other = std::string(engine.record(a.result.other).id);
        }
        s.add_registration(r, a.result.decision, rule, a.result.score, other);
        switch (a.result.decision) {
        case cbpq::dedup_decision::cancel:
            ++cancelled;
            break;
        case cbpq::dedup_decision::review:
            ++review;
            break;
        default:
            ++kept;
        }
        if (a.displaced) {
            const std::string id(engine.record(*a.displaced).id);
            if (!s.reservation_of(id)) { // a person already drawn keeps their appointment
                (void)s.set_decision(id, cbpq::dedup_decision::cancel);
                ++displaced;
            }
        }
    }
    tx.commit();
    std::cout << "registered " << regs.size() << ": kept " << kept << ", review " << review
              << ", cancelled " << cancelled << " as duplicates";
    if (displaced != 0) {
        std::cout << "; " << displaced << " earlier keeper(s) cancelled";
    }
    std::cout << '\n';
    return tool::ok;
}

int cmd_run_day(registry::sqlite_store& s, const tool::options& opt) {
    cbpq::day_request q;
    q.date = cbpq::parse_date(opt.require("date"), "--date");
    const auto seed_hex = opt.get("seed");
    const auto values = opt.get("public-values");
    if (seed_hex.has_value() == values.has_value()) {
        throw tool::usage_error("give exactly one of --seed and --public-values");
    }
    if (seed_hex) {
        q.day_seed = cbpq::seed::from_hex(*seed_hex);
        q.source.type = cbpq::seed_source::kind::given;
    } else {
        q.day_seed = cbpq::seed::from_public_values(*values);
        q.source.type = cbpq::seed_source::kind::public_values;
        q.source.public_values = *values;
    }
    if (const auto p = opt.get("policy"); p && *p != "uniform") {
        throw tool::usage_error("unknown --policy '" + *p + "' (uniform is the one policy)");
    }
    if (const auto f = opt.get("fill")) {
        if (*f != "skip" && *f != "strict") {
            throw tool::usage_error("--fill must be skip or strict");
        }
        q.options.fill = *f == "strict" ? cbpq::fill_rule::strict : cbpq::fill_rule::skip;
    }
    q.options.alternates = 10;
    if (const auto a = opt.get("alternates")) {
        const auto n = tool::parse_integer(*a);
        if (!n || *n < 0 || *n > 1000000) {
            throw tool::usage_error("--alternates must be 0..1000000");
        }
        q.options.alternates = static_cast<std::size_t>(*n);
    }
    if (const auto m = opt.get("max-party")) {
        const auto n = tool::parse_integer(*m);
        if (!n || *n < 1 || *n > 1000) {
            throw tool::usage_error("--max-party must be 1..1000");
        }
        q.options.max_party = *n;
    }
    transaction t(s);
    const auto plan = load_plan(s);
    const auto out =
        cbpq::run_day(s, plan, q, cbpq::dedup_resolver(cbpq::default_rules(), load_secret(s)));
    if (out.status == cbpq::day_status::committed) {
        t.commit();
    }
    const auto& r = out.day.day_receipt;
    if (out.status == cbpq::day_status::refused) {
        std::cout << "refused: " << cbpq::format_date(q.date)
                  << " was already drawn with another seed (" << r.seed.to_hex() << ")\n";
        return tool::failed_check;
    }
    std::cout << cbpq::to_string(out.status) << ' ' << r.label;
    if (out.status == cbpq::day_status::committed) {
        std::cout << ": pool " << out.pool << ", duplicates removed " << out.duplicates_removed;
    }
    std::cout << '\n';
    for (std::size_t i = 0; i < r.result.size(); ++i) {
        const auto& p = r.result[i];
        const auto* cap = r.capacity.find(p.port);
        std::cout << "port " << p.port << ": selected " << p.persons << " persons in " << p.parties
                  << " parties; capacity " << (cap ? cap->persons : 0) << " persons; alternates "
                  << p.alternates.size() << '\n';
    }
    return tool::ok;
}

int cmd_change(registry::sqlite_store& s, const tool::options& opt, const std::string& verb) {
    const cbpq::civil_date d = cbpq::parse_date(opt.require("date"), "--date");
    const std::string id = opt.require("id");
    transaction t(s);
    (void)load_plan(s);
    if (verb == "confirm") {
        if (!cbpq::confirm(s, d, id)) {
            std::cout << id << " holds no unconfirmed reservation on " << cbpq::format_date(d)
                      << '\n';
            return tool::failed_check;
        }
        t.commit();
        std::cout << "confirmed " << id << '\n';
        return tool::ok;
    }
    const auto why =
        verb == "no-show" ? cbpq::reservation_state::no_show : cbpq::reservation_state::cancelled;
    const auto out = cbpq::release_and_promote(s, d, id, why);
    if (!out.released) {
        std::cout << id << " holds no reservation on " << cbpq::format_date(d) << '\n';
        return tool::failed_check;
    }
    t.commit();
    std::cout << cbpq::to_string(why) << ' ' << id << ": released " << out.released->persons
              << " persons at " << out.released->where.port;
    if (!out.released->where.slot.empty()) {
        std::cout << ' ' << out.released->where.slot;
    }
    std::cout << '\n';
    for (const auto& p : out.promoted) {
        std::cout << "promoted " << p.id << " (" << p.persons << " persons";
        if (!p.where.slot.empty()) {
            std::cout << ", " << p.where.slot;
        }
        std::cout << ")\n";
    }
    return tool::ok;
}

int cmd_export(registry::sqlite_store& s, const tool::options& opt) {
    const cbpq::civil_date d = cbpq::parse_date(opt.require("date"), "--date");
    const std::string label = cbpq::format_date(d);
    (void)load_plan(s);
    const auto day = s.committed(label);
    const auto json = s.receipt_json(label);
    if (!day || !json) {
        std::cout << "no committed day " << label << '\n';
        return tool::failed_check;
    }
    std::string entrants = "id,port,party\n";
    for (const auto& e : day->entrants) {
        entrants +=
            csv_field(e.id) + ',' + csv_field(e.port) + ',' + std::to_string(e.party) + '\n';
    }
    std::string capacity = "port,persons,parties\n";
    std::string slots = "port,slot,persons\n";
    bool any_slots = false;
    for (const auto& p : day->day_receipt.capacity.ports) {
        capacity += csv_field(p.port) + ',' + std::to_string(p.persons) + ',' +
                    (p.parties ? std::to_string(*p.parties) : std::string()) + '\n';
        for (const auto& sl : p.slots) {
            any_slots = true;
            slots += csv_field(p.port) + ',' + csv_field(sl.label) + ',' +
                     std::to_string(sl.persons) + '\n';
        }
    }
    const auto slots_path = opt.get("slots");
    if (any_slots && !slots_path) {
        throw tool::usage_error("the day has time slots: give --slots S.csv as well");
    }
    // The four files of an export together or none of them (tool::output_files).
    tool::output_files outputs;
    outputs.write(opt.require("receipt"), *json);
    outputs.write(opt.require("entrants"), entrants);
    outputs.write(opt.require("capacity"), capacity);
    if (slots_path) {
        outputs.write(*slots_path, slots);
    }
    outputs.commit();
    std::cout << "exported " << label << ": " << day->entrants.size() << " entrants\n";
    return tool::ok;
}

int body(int argc, char** argv) {
    const tool::options opt(argc, argv,
                            {"db", "plan", "in", "date", "seed", "public-values", "policy", "fill",
                             "alternates", "max-party", "id", "receipt", "entrants", "capacity",
                             "slots"});
    if (opt.positional().size() != 1) {
        throw tool::usage_error("give exactly one command");
    }
    const std::string verb = opt.positional().front();
    const std::string db = opt.require("db");
    registry::sqlite_store s(db);
    attach_crash_hook(s);
    if (verb == "init") {
        return cmd_init(s, opt);
    }
    if (verb == "register") {
        return cmd_register(s, opt);
    }
    if (verb == "run-day") {
        return cmd_run_day(s, opt);
    }
    if (verb == "confirm" || verb == "no-show" || verb == "cancel") {
        return cmd_change(s, opt, verb);
    }
    if (verb == "export") {
        return cmd_export(s, opt);
    }
    throw tool::usage_error("unknown command '" + verb + "'");
}

} // namespace

int main(int argc, char** argv) {
    return tool::run("cbpq-registry", usage, [&] { return body(argc, argv); });
}
