// SPDX-License-Identifier: BSL-1.0
// A generator of realistic registrants for measuring duplicate detection: people with names
// from the populations that used CBP One (Spanish / Latin American, Haitian Creole and French,
// Portuguese / Brazilian, Russian in Cyrillic and in Latin letters), birth dates, documents,
// phones in the formats people type per country, e-mails and devices; duplicate registrations
// with the variations people make; and hard negatives (common names, families that share
// surnames, address, phone and e-mail; twins; parents and children with the same name).
// Deterministic from the seed through cbpq::keyed_stream only. Internal, not API: used by the
// CBP One replay (replay.hpp) for its registrants' identity records, and by cbpq-gen-identities,
// the tests and the benchmarks (examples/common/identity_gen.hpp names it `gen`).
#ifndef CBPQ_DETAIL_IDENTITY_GEN_HPP
#define CBPQ_DETAIL_IDENTITY_GEN_HPP

#include "../random.hpp"
#include "large_pages.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

CBPQ_BEGIN_NAMESPACE
namespace detail::idgen {

// An exact set of strings for the generator's taken e-mail addresses: the bytes in one arena
// (each after its 2-byte length), and an open-addressing table of 8-byte entries (32 bits of
// the hash, the arena offset) at most half full. A node-based unordered_set of about 750,000
// strings cost a tenth of the CBP One replay with every account checked (an allocation per
// address, cache misses per probe, rehashes); here a probe is one read of a table small enough
// to stay mostly in the last-level cache. Not for adversarial input: FNV-1a with a final mix.
// The slot comes from the hash's top bits, which the stored tag keeps, so growing moves the
// entries without reading their text again.
class text_set {
public:
    // Inserts a + b + c (one string, given in three parts to avoid building it); false if it
    // was already there. Throws std::length_error past 64 KiB per string or 4 GiB in all.
    bool insert(std::string_view a, std::string_view b, std::string_view c) {
        const std::size_t length = a.size() + b.size() + c.size();
        if (length > 0xffff || arena_.size() + length + 2 > 0xffffffffU) {
            throw std::length_error("idgen::text_set: string or arena too long");
        }
        if (2 * (size_ + 1) > table_.size()) {
            grow();
        }
        const std::uint64_t h = hash(a, b, c);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        const std::size_t mask = table_.size() - 1;
        for (std::size_t i = home(tag);; i = (i + 1) & mask) {
            entry& e = table_[i];
            if (e.at == 0) {
                // The text first: if it cannot be stored, the table is unchanged.
                const std::size_t at = arena_.size();
                try {
                    arena_.push_back(static_cast<char>(length & 0xff));
                    arena_.push_back(static_cast<char>(length >> 8));
                    arena_.append(a).append(b).append(c);
                } catch (...) {
                    arena_.resize(at);
                    throw;
                }
                e.tag = tag;
                e.at = static_cast<std::uint32_t>(at + 1);
                ++size_;
                return true;
            }
            if (e.tag == tag && stored(e) == std::array{a, b, c}) {
                return false;
            }
        }
    }

    void clear() noexcept {
        table_.clear();
        arena_.clear();
        size_ = 0;
        shift_ = 63;
    }

    // Room for n strings of about `length` bytes each without growing.
    void reserve(std::size_t n, std::size_t length) {
        // The insert of the n-th string finds n - 1 stored and grows unless 2n fit.
        while (2 * n > table_.size()) {
            grow();
        }
        arena_.reserve(n * (length + 2));
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    struct entry {
        std::uint32_t tag = 0; // the hash's high 32 bits
        std::uint32_t at = 0;  // 1 + the arena offset of the length; 0: empty
    };

    static std::uint64_t hash(std::string_view a, std::string_view b, std::string_view c) {
        std::uint64_t h = 0xcbf29ce484222325ULL; // FNV-1a 64 offset basis
        for (const std::string_view part : {a, b, c}) {
            for (const char ch : part) {
                h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL; // FNV prime
            }
        }
        h ^= h >> 33; // a final mix so that the top bits, which index, depend on every byte
        h *= 0xff51afd7ed558ccdULL;
        return h ^ (h >> 33);
    }

    // The stored string split where a, b and c would split it, for comparison as a whole.
    struct pieces {
        std::string_view text;
        bool operator==(const std::array<std::string_view, 3>& p) const noexcept {
            return text.size() == p[0].size() + p[1].size() + p[2].size() &&
                   text.substr(0, p[0].size()) == p[0] &&
                   text.substr(p[0].size(), p[1].size()) == p[1] &&
                   text.substr(p[0].size() + p[1].size()) == p[2];
        }
    };
    [[nodiscard]] pieces stored(const entry& e) const noexcept {
        const std::size_t at = e.at - 1;
        const std::size_t length = static_cast<unsigned char>(arena_[at]) |
                                   (std::size_t{static_cast<unsigned char>(arena_[at + 1])} << 8);
        return {std::string_view(arena_.data() + at + 2, length)};
    }

    // The home slot of a string whose hash has `tag` as its top 32 bits: the top bits of the
    // hash, as many as the table's size needs (at most 2^32 slots). Strings with one home
    // share those bits of their tags, so the tag tells them apart by its remaining bits only
    // (a needless text comparison now and then, never a wrong answer).
    [[nodiscard]] std::size_t home(std::uint32_t tag) const noexcept {
        return static_cast<std::size_t>((std::uint64_t{tag} << 32) >> shift_);
    }

    void grow() {
        const std::size_t n = std::max<std::size_t>(1024, 2 * table_.size());
        if (std::uint64_t{n} > (std::uint64_t{1} << 32)) {
            throw std::length_error("idgen::text_set: too many strings");
        }
        large_vector<entry> old(n);
        old.swap(table_);
        shift_ = 64 - static_cast<unsigned>(std::countr_zero(n));
        const std::size_t mask = n - 1;
        for (const entry& e : old) {
            if (e.at != 0) {
                std::size_t i = home(e.tag);
                while (table_[i].at != 0) {
                    i = (i + 1) & mask;
                }
                table_[i] = e;
            }
        }
    }

    large_vector<entry> table_;
    std::basic_string<char, std::char_traits<char>, large_allocator<char>> arena_;
    std::size_t size_ = 0;
    unsigned shift_ = 63; // 64 - log2(table size), set by grow (no probe meets an empty table)
};

/// One generated registration: the CSV columns of cbpq-gen-identities.
struct registration {
    std::string id;
    std::uint64_t person = 0;
    std::int64_t registered = 0; // seconds since 1970-01-01 UTC
    std::string given, surname, birth, sex, nationality;
    std::string document_type, document_country, document;
    std::string phone, phone_country, email, device, address, city;
};

inline constexpr std::string_view csv_header =
    "id,person,registered,given,surname,birth,sex,nationality,document_type,document_country,"
    "document,phone,phone_country,email,device,address,city";

namespace data {

struct weighted {
    std::string_view text;
    std::uint32_t weight;
};

// Names with rough frequency weights (commonest first): many people share the top names, the
// hard negatives of duplicate detection.
inline constexpr weighted es_female[] = {{"María", 60},
                                         {"María José", 14},
                                         {"María Fernanda", 12},
                                         {"Ana", 14},
                                         {"María de los Ángeles", 6},
                                         {"Guadalupe", 10},
                                         {"Rosa", 9},
                                         {"Carmen", 9},
                                         {"Yessenia", 5},
                                         {"Daniela", 9},
                                         {"Valentina", 8},
                                         {"Gabriela", 8},
                                         {"Andrea", 8},
                                         {"Luz Marina", 5},
                                         {"Ana Lucía", 6},
                                         {"Juana", 6},
                                         {"Marisol", 5},
                                         {"Yolanda", 5},
                                         {"Karla", 6},
                                         {"Dayana", 6},
                                         {"Génesis", 5},
                                         {"Yuliana", 4},
                                         {"Leidy", 4},
                                         {"Milagros", 4},
                                         {"Patricia", 7},
                                         {"Alejandra", 7},
                                         {"Sofía", 7},
                                         {"Isabel", 6},
                                         {"Verónica", 5},
                                         {"Fabiola", 3},
                                         {"Dulce María", 4},
                                         {"Esperanza", 3},
                                         {"Mayerlin", 3},
                                         {"Yusleidy", 3},
                                         {"Dania", 3},
                                         {"Keila", 3}};
inline constexpr weighted es_male[] = {
    {"José", 40},        {"Juan", 30},   {"Luis", 20},        {"Carlos", 20},  {"José Luis", 10},
    {"Juan Carlos", 10}, {"Jorge", 12},  {"Miguel Ángel", 9}, {"Jesús", 12},   {"Pedro", 10},
    {"Francisco", 10},   {"Antonio", 9}, {"Manuel", 9},       {"Daniel", 9},   {"David", 8},
    {"Alejandro", 8},    {"Ángel", 7},   {"Víctor", 7},       {"Wilmer", 5},   {"Yeison", 4},
    {"Brayan", 5},       {"Kevin", 5},   {"Óscar", 6},        {"Ramón", 5},    {"Eduardo", 6},
    {"Fernando", 6},     {"Roberto", 6}, {"Héctor", 5},       {"Yoel", 3},     {"Yunior", 3},
    {"Darwin", 3},       {"Edwin", 4},   {"Andrés", 6},       {"Santiago", 5}, {"Nelson", 4},
    {"Osmany", 2}};
inline constexpr weighted es_surname[] = {
    {"García", 40},    {"Rodríguez", 36}, {"Hernández", 34}, {"López", 32},    {"Martínez", 32},
    {"González", 32},  {"Pérez", 30},     {"Sánchez", 26},   {"Ramírez", 24},  {"Torres", 20},
    {"Flores", 20},    {"Rivera", 18},    {"Gómez", 18},     {"Díaz", 18},     {"Cruz", 16},
    {"Morales", 16},   {"Reyes", 16},     {"Gutiérrez", 14}, {"Ortiz", 14},    {"Chávez", 12},
    {"Ramos", 12},     {"Mendoza", 12},   {"Castillo", 12},  {"Vásquez", 12},  {"Jiménez", 12},
    {"Moreno", 12},    {"Romero", 12},    {"Álvarez", 12},   {"Ruiz", 10},     {"Aguilar", 10},
    {"Medina", 10},    {"Castro", 10},    {"Vargas", 10},    {"Guzmán", 8},    {"Salazar", 8},
    {"Herrera", 8},    {"Rojas", 8},      {"Contreras", 8},  {"Domínguez", 7}, {"Muñoz", 7},
    {"Núñez", 7},      {"Peña", 6},       {"Ibáñez", 4},     {"Quiñónez", 4},  {"De la Cruz", 6},
    {"Del Valle", 4},  {"De León", 5},    {"Zúñiga", 4},     {"Espinoza", 6},  {"Mejía", 6},
    {"Cárdenas", 5},   {"Velásquez", 5},  {"Acosta", 5},     {"Figueroa", 4},  {"Bautista", 4},
    {"Cabrera", 4},    {"Ávila", 4},      {"Sosa", 4},       {"Osorio", 3},    {"Yáñez", 3},
    {"Villanueva", 3}, {"Echeverría", 2}, {"Betancourt", 2}, {"Urrutia", 2}};
inline constexpr weighted ht_female[] = {
    {"Marie", 20},   {"Marie-Claire", 6}, {"Fabiola", 5}, {"Mirlande", 6},   {"Guerline", 5},
    {"Roseline", 5}, {"Wideline", 4},     {"Nadège", 4},  {"Stéphanie", 5},  {"Lovely", 4},
    {"Jésula", 4},   {"Marie-Ange", 5},   {"Esther", 4},  {"Mireille", 4},   {"Sandra", 4},
    {"Darline", 4},  {"Fabienne", 3},     {"Kettely", 3}, {"Rose-Marie", 4}, {"Wislande", 3}};
inline constexpr weighted ht_male[] = {
    {"Jean", 20},         {"Jean-Robert", 6},    {"Jean-Claude", 6}, {"Wilner", 5},
    {"Kenson", 4},        {"Peterson", 4},       {"Djimmy", 3},      {"Frantz", 4},
    {"Jacques", 5},       {"Pierre-Richard", 3}, {"Wilson", 4},      {"Fritznel", 3},
    {"Jean-Baptiste", 4}, {"Emmanuel", 5},       {"Ronald", 4},      {"Évens", 4},
    {"Wesner", 3},        {"Johnson", 3},        {"Ricardo", 3},     {"Dieudonné", 3}};
inline constexpr weighted ht_surname[] = {
    {"Jean-Baptiste", 16}, {"Joseph", 20},    {"Pierre", 18},     {"Louis", 14},
    {"Charles", 12},       {"Jean", 14},      {"Saint-Fleur", 6}, {"Désir", 6},
    {"Étienne", 8},        {"François", 8},   {"Michel", 8},      {"Augustin", 6},
    {"Dorvil", 5},         {"Noël", 5},       {"Célestin", 5},    {"Bélizaire", 4},
    {"Exantus", 4},        {"Métellus", 4},   {"Toussaint", 6},   {"Thélusma", 3},
    {"Alexis", 6},         {"Paul", 8},       {"Simon", 5},       {"Dorcélus", 3},
    {"Fleurimond", 3},     {"Jean-Louis", 5}, {"Mondésir", 3},    {"Saint-Louis", 4}};
inline constexpr weighted br_female[] = {
    {"Maria", 30},    {"Ana", 14},      {"Juliana", 8}, {"Fernanda", 8},
    {"Patrícia", 7},  {"Aline", 6},     {"Márcia", 6},  {"Luíza", 5},
    {"Ana Paula", 6}, {"Francisca", 6}, {"Adriana", 6}, {"Camila", 6},
    {"Conceição", 3}, {"Gabriela", 5},  {"Letícia", 5}, {"Vitória", 4}};
inline constexpr weighted br_male[] = {
    {"João", 24},      {"José", 22},  {"Antônio", 12}, {"Francisco", 10},
    {"Carlos", 8},     {"Paulo", 8},  {"Pedro", 8},    {"Lucas", 8},
    {"Luiz", 7},       {"Marcos", 6}, {"Gabriel", 7},  {"Rafael", 6},
    {"João Pedro", 5}, {"Thiago", 5}, {"Gonçalo", 2},  {"Sebastião", 3}};
inline constexpr weighted br_surname[] = {
    {"da Silva", 30},  {"dos Santos", 22}, {"Oliveira", 16}, {"Souza", 14},  {"Rodrigues", 10},
    {"Ferreira", 10},  {"Alves", 10},      {"Pereira", 10},  {"Lima", 8},    {"Gomes", 8},
    {"Ribeiro", 6},    {"Carvalho", 6},    {"Gonçalves", 6}, {"Araújo", 6},  {"da Conceição", 4},
    {"Nascimento", 5}, {"Barbosa", 5},     {"Magalhães", 3}, {"Brandão", 3}, {"Assunção", 2}};
// Russian names in Cyrillic; surnames as (masculine, feminine).
inline constexpr weighted ru_female[] = {
    {"Елена", 10},   {"Ольга", 9},     {"Наталья", 9}, {"Татьяна", 8}, {"Юлия", 7},
    {"Анна", 9},     {"Екатерина", 8}, {"Ксения", 5},  {"Дарья", 5},   {"Мария", 7},
    {"Светлана", 6}, {"Ирина", 7},     {"Алёна", 3}};
inline constexpr weighted ru_male[] = {
    {"Александр", 12}, {"Дмитрий", 10}, {"Сергей", 10}, {"Андрей", 9},  {"Алексей", 9},
    {"Максим", 7},     {"Иван", 8},     {"Михаил", 7},  {"Евгений", 5}, {"Артём", 5},
    {"Никита", 5},     {"Юрий", 4},     {"Вячеслав", 3}};
struct ru_surname {
    std::string_view male, female;
    std::uint32_t weight;
};
inline constexpr ru_surname ru_surnames[] = {
    {"Иванов", "Иванова", 12},    {"Смирнов", "Смирнова", 10},  {"Кузнецов", "Кузнецова", 9},
    {"Попов", "Попова", 8},       {"Васильев", "Васильева", 7}, {"Петров", "Петрова", 8},
    {"Соколов", "Соколова", 6},   {"Михайлов", "Михайлова", 5}, {"Новиков", "Новикова", 5},
    {"Фёдоров", "Фёдорова", 4},   {"Морозов", "Морозова", 4},   {"Волков", "Волкова", 4},
    {"Лебедев", "Лебедева", 3},   {"Семёнов", "Семёнова", 3},   {"Козлов", "Козлова", 3},
    {"Журавлёв", "Журавлёва", 2}, {"Щербаков", "Щербакова", 2}, {"Хабибуллин", "Хабибуллина", 2},
    {"Чернышёв", "Чернышёва", 2}, {"Зайцев", "Зайцева", 3}};
// Popular (non-ICAO) Latin spellings people type for some Russian given names.
struct ru_popular {
    std::string_view cyrillic, latin;
};
inline constexpr ru_popular ru_popular_latin[] = {
    {"Юлия", "Yulia"},          {"Ксения", "Ksenia"}, {"Наталья", "Natalya"}, {"Алёна", "Alyona"},
    {"Артём", "Artyom"},        {"Юрий", "Yuri"},     {"Дарья", "Daria"},     {"Евгений", "Evgeny"},
    {"Александр", "Alexander"}, {"Дмитрий", "Dmitry"}};

struct country {
    std::string_view iso2, iso3;
    std::uint32_t weight;
    int population;            // 0 es, 1 ht, 2 br, 3 ru
    std::string_view passport; // L letter, D digit
    std::string_view national; // second document pattern
    std::string_view national_type;
};
inline constexpr country countries[] = {
    {"MX", "MEX", 20, 0, "LDDDDDDDD", "LLLLDDDDDDLLLLLLDD", "curp"},
    {"VE", "VEN", 18, 0, "DDDDDDDDD", "DDDDDDDD", "cedula"},
    {"HT", "HTI", 14, 1, "LLDDDDDDD", "DDDDDDDDDD", "nif"},
    {"HN", "HND", 8, 0, "LDDDDDDD", "DDDDDDDDDDDDD", "dni"},
    {"CU", "CUB", 7, 0, "LDDDDDD", "DDDDDDDDDDD", "carne"},
    {"GT", "GTM", 6, 0, "DDDDDDDDD", "DDDDDDDDDDDDD", "dpi"},
    {"CO", "COL", 5, 0, "LLDDDDDDD", "DDDDDDDDDD", "cedula"},
    {"EC", "ECU", 4, 0, "LDDDDDDDD", "DDDDDDDDDD", "cedula"},
    {"SV", "SLV", 3, 0, "LDDDDDDDD", "DDDDDDDDD", "dui"},
    {"NI", "NIC", 3, 0, "LDDDDDDD", "DDDDDDDDDDDDDL", "cedula"},
    {"PE", "PER", 3, 0, "DDDDDDDDD", "DDDDDDDD", "dni"},
    {"BR", "BRA", 3, 2, "LLDDDDDD", "DDDDDDDDDDD", "cpf"},
    {"RU", "RUS", 3, 3, "DDDDDDDDD", "DDDDDDDDDD", "internal"},
    {"AR", "ARG", 1, 0, "DDDDDDDDDL", "DDDDDDDD", "dni"},
    {"DO", "DOM", 1, 0, "LLDDDDDDD", "DDDDDDDDDDD", "cedula"},
    {"US", "USA", 1, 0, "DDDDDDDDD", "DDDDDDDDD", "ssn"},
};

inline constexpr std::string_view shelters[] = {
    "Albergue Casa del Migrante, Calle 5 de Mayo 120",
    "Albergue Senda de Vida, Calle Matamoros 5",
    "Iglesia Embajadores de Jesús, Cañón Francisco Villa",
    "Albergue Juventud 2000, Avenida Internacional 1501",
    "Casa Kino, Calle Pesqueira 84",
    "Albergue Pan de Vida, Carretera Juárez km 14"};
inline constexpr std::string_view cities[] = {
    "Tijuana",        "Ciudad Juárez", "Reynosa",      "Matamoros",        "Nogales",
    "Piedras Negras", "Mexicali",      "Nuevo Laredo", "Ciudad de México", "Monterrey"};
inline constexpr std::string_view streets[] = {
    "Calle Morelos",        "Avenida Juárez", "Calle Hidalgo",  "Calle Zaragoza",
    "Avenida Revolución",   "Calle Allende",  "Calle Guerrero", "Calle Ocampo",
    "Avenida Constitución", "Calle Madero"};

// ICAO Doc 9303 transliteration of the Cyrillic letters used above (upper and lower case).
inline void icao_latin(std::string_view cyr, std::string& out) {
    struct pair {
        char32_t c;
        std::string_view l;
    };
    static constexpr pair table[] = {
        {U'а', "a"},  {U'б', "b"},  {U'в', "v"},    {U'г', "g"},  {U'д', "d"},  {U'е', "e"},
        {U'ё', "e"},  {U'ж', "zh"}, {U'з', "z"},    {U'и', "i"},  {U'й', "i"},  {U'к', "k"},
        {U'л', "l"},  {U'м', "m"},  {U'н', "n"},    {U'о', "o"},  {U'п', "p"},  {U'р', "r"},
        {U'с', "s"},  {U'т', "t"},  {U'у', "u"},    {U'ф', "f"},  {U'х', "kh"}, {U'ц', "ts"},
        {U'ч', "ch"}, {U'ш', "sh"}, {U'щ', "shch"}, {U'ъ', "ie"}, {U'ы', "y"},  {U'ь', ""},
        {U'э', "e"},  {U'ю', "iu"}, {U'я', "ia"}};
    out.clear();
    std::size_t i = 0;
    while (i < cyr.size()) {
        const auto b0 = static_cast<unsigned char>(cyr[i]);
        if (b0 < 0x80) {
            out += cyr[i++];
            continue;
        }
        const auto b1 = static_cast<unsigned char>(cyr[i + 1]);
        char32_t cp = static_cast<char32_t>(((b0 & 0x1FU) << 6) | (b1 & 0x3FU));
        i += 2;
        bool upper = false;
        if (cp >= U'А' && cp <= U'Я') {
            cp += 0x20;
            upper = true;
        } else if (cp == U'Ё') {
            cp = U'ё';
            upper = true;
        }
        for (const auto& p : table) {
            if (p.c == cp) {
                for (std::size_t k = 0; k < p.l.size(); ++k) {
                    const char c = p.l[k];
                    out += upper && k == 0 ? static_cast<char>(c - 'a' + 'A') : c;
                }
                break;
            }
        }
    }
}

// Accents off for the Latin letters used above (UTF-8 two-byte sequences), for e-mails and
// for registrations typed without accents.
inline std::string strip_accents(std::string_view s) {
    static constexpr std::string_view from[] = {"á", "é", "í", "ó", "ú", "ñ", "ü", "Á",
                                                "É", "Í", "Ó", "Ú", "Ñ", "ç", "ã", "õ",
                                                "â", "ê", "ô", "è", "ë", "Ç", "Ã", "Õ"};
    static constexpr std::string_view to[] = {"a", "e", "i", "o", "u", "n", "u", "A",
                                              "E", "I", "O", "U", "N", "c", "a", "o",
                                              "a", "e", "o", "e", "e", "C", "A", "O"};
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        bool done = false;
        if (static_cast<unsigned char>(s[i]) >= 0x80) {
            for (std::size_t k = 0; k < std::size(from); ++k) {
                if (s.substr(i, from[k].size()) == from[k]) {
                    out += to[k];
                    i += from[k].size();
                    done = true;
                    break;
                }
            }
        }
        if (!done) {
            out += s[i++];
        }
    }
    return out;
}

inline std::string ascii_lower(std::string_view s) {
    std::string out;
    for (const char c : strip_accents(s)) {
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        }
    }
    return out;
}

// Upper case for ASCII and the accented Latin letters above.
inline std::string upper(std::string_view s) {
    static constexpr std::string_view lo[] = {"á", "é", "í", "ó", "ú", "ñ", "ü", "ç",
                                              "ã", "õ", "â", "ê", "ô", "è", "ë"};
    static constexpr std::string_view up[] = {"Á", "É", "Í", "Ó", "Ú", "Ñ", "Ü", "Ç",
                                              "Ã", "Õ", "Â", "Ê", "Ô", "È", "Ë"};
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        bool done = false;
        if (static_cast<unsigned char>(s[i]) >= 0x80) {
            for (std::size_t k = 0; k < std::size(lo); ++k) {
                if (s.substr(i, lo[k].size()) == lo[k]) {
                    out += up[k];
                    i += lo[k].size();
                    done = true;
                    break;
                }
            }
        }
        if (!done) {
            const char c = s[i++];
            out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        }
    }
    return out;
}

} // namespace data

/// Generation parameters.
struct options {
    std::size_t count = 1000;
    double dup_rate = 0.05;
    std::uint64_t seed = 1;
};

/// The generator. generate() returns `count` registrations, about count * dup_rate of them
/// (at most count - 1) duplicates of earlier people, shuffled, with ids 1..count.
class generator {
public:
    explicit generator(const options& o)
        : opt_(o),
          key_(cbpq::seed(cbpq::sha256("cbpq-gen-identities seed " + std::to_string(o.seed))),
               "identities") {
        for (const auto& c : data::countries) {
            country_total_ += c.weight;
        }
    }

    // Streaming use (the replay): people are made a family at a time from the caller's
    // streams and rendered on demand, so a caller that renders each person once may forget
    // them (forget_people) and keep memory flat. E-mail addresses stay unique across the
    // generator's life. `key` only seeds generate(); streaming callers pass their own streams.
    explicit generator(const cbpq::draw_key& key) : key_(key) {
        for (const auto& c : data::countries) {
            country_total_ += c.weight;
        }
    }

    // Makes one person, or a family of up to `room` people sharing surnames, address and
    // contacts (the hard negatives), from `rs`; returns how many people were added.
    std::size_t add_family(cbpq::keyed_stream& rs, std::size_t room) {
        const std::size_t before = people_.size();
        make_family(rs, std::max<std::size_t>(room, 1));
        return people_.size() - before;
    }

    // People made and not forgotten.
    [[nodiscard]] std::size_t people() const noexcept { return people_.size(); }

    // Person `p`'s registration: as on their documents, or (dup) as a second account with the
    // variations people make. Its id and registration time are the caller's to set.
    registration render_person(std::size_t p, cbpq::keyed_stream& rs, bool dup) {
        return render(people_[p], rs, dup);
    }

    // Forgets every person made so far (their e-mail addresses stay taken).
    void forget_people() noexcept { people_.clear(); }

    // Room for the e-mail addresses of about n people, so that the set of taken addresses
    // need not grow (its size does not change what is generated).
    void reserve_people(std::size_t n) { emails_.reserve(n, 28); }

    std::vector<registration> generate() {
        // At least one person when count > 0: duplicates need someone to copy (a rate near 1
        // rounds count * rate up to count, which once left nobody and generated nothing).
        const std::size_t dups = std::min(
            static_cast<std::size_t>(static_cast<double>(opt_.count) * opt_.dup_rate + 0.5),
            opt_.count == 0 ? 0 : opt_.count - 1);
        const std::size_t people = opt_.count - dups;
        people_.clear();
        emails_.clear();
        people_.reserve(people);
        std::vector<registration> out;
        out.reserve(opt_.count);
        // People, some in families.
        std::uint64_t next_stream = 0;
        while (people_.size() < people) {
            auto rs = key_.stream(next_stream++);
            make_family(rs, people - people_.size());
        }
        for (std::size_t p = 0; p < people_.size(); ++p) {
            auto rs = key_.stream((std::uint64_t{1} << 40) + p);
            out.push_back(render(people_[p], rs, false));
        }
        for (std::size_t d = 0; d < dups && !people_.empty(); ++d) {
            auto rs = key_.stream((std::uint64_t{2} << 40) + d);
            const auto p = static_cast<std::size_t>(rs.below(people_.size()));
            out.push_back(render(people_[p], rs, true));
        }
        auto shuffle = key_.stream(std::uint64_t{3} << 40);
        cbpq::keyed_shuffle(out, shuffle);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i].id = std::to_string(i + 1);
        }
        return out;
    }

private:
    struct person {
        std::uint64_t index;
        const data::country* country;
        bool female;
        std::string given;    // as on the passport, with accents (Cyrillic for RU)
        std::string surname1; // Cyrillic for RU
        std::string surname2; // empty when one surname
        int y, m, d;
        std::string passport, national;
        std::string phone_nsn; // national significant number
        std::string email_local, email_domain;
        std::string device;
        std::string address, city;
    };

    template <class Table>
    static std::string_view pick(cbpq::keyed_stream& rs, const Table& table) {
        std::uint64_t total = 0;
        for (const auto& w : table) {
            total += w.weight;
        }
        std::uint64_t r = rs.below(total);
        for (const auto& w : table) {
            if (r < w.weight) {
                return w.text;
            }
            r -= w.weight;
        }
        return std::begin(table)->text;
    }

    static bool chance(cbpq::keyed_stream& rs, double p) { return rs.uniform() < p; }

    static std::string pattern(cbpq::keyed_stream& rs, std::string_view pat) {
        std::string s;
        for (const char c : pat) {
            if (c == 'L') {
                s += static_cast<char>('A' + rs.below(26));
            } else {
                s += static_cast<char>('0' + rs.below(10));
            }
        }
        return s;
    }

    static std::string digits(cbpq::keyed_stream& rs, std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) {
            s += static_cast<char>('0' + rs.below(10));
        }
        return s;
    }

    const data::country& pick_country(cbpq::keyed_stream& rs) const {
        std::uint64_t r = rs.below(country_total_);
        for (const auto& c : data::countries) {
            if (r < c.weight) {
                return c;
            }
            r -= c.weight;
        }
        return data::countries[0];
    }

    std::string new_phone(cbpq::keyed_stream& rs, const data::country& c) const {
        const std::string_view cc = c.iso2;
        if (cc == "MX") {
            static constexpr std::string_view areas[] = {"55", "33", "81", "664", "656", "899"};
            const auto a = areas[rs.below(std::size(areas))];
            return std::string(a) + digits(rs, 10 - a.size());
        }
        if (cc == "VE") {
            static constexpr std::string_view pre[] = {"412", "414", "424", "416", "426"};
            return std::string(pre[rs.below(5)]) + digits(rs, 7);
        }
        if (cc == "HT") {
            return std::string(1, static_cast<char>('3' + rs.below(2))) + digits(rs, 7);
        }
        if (cc == "CU") {
            return "5" + digits(rs, 7);
        }
        if (cc == "HN") {
            return "9" + digits(rs, 7);
        }
        if (cc == "GT") {
            return std::string(1, static_cast<char>('3' + rs.below(3))) + digits(rs, 7);
        }
        if (cc == "SV") {
            return "7" + digits(rs, 7);
        }
        if (cc == "NI") {
            return "8" + digits(rs, 7);
        }
        if (cc == "CO") {
            return "3" + digits(rs, 9);
        }
        if (cc == "EC") {
            return "9" + digits(rs, 8);
        }
        if (cc == "PE") {
            return "9" + digits(rs, 8);
        }
        if (cc == "BR") {
            static constexpr std::string_view ddd[] = {"11", "21", "31", "61", "71", "85"};
            return std::string(ddd[rs.below(6)]) + "9" + digits(rs, 8);
        }
        if (cc == "RU") {
            return "9" + digits(rs, 9);
        }
        if (cc == "AR") {
            return "11" + digits(rs, 8);
        }
        if (cc == "DO") {
            static constexpr std::string_view a[] = {"809", "829", "849"};
            return std::string(a[rs.below(3)]) + "2" + digits(rs, 6);
        }
        return std::to_string(200 + rs.below(700)) + "2" + digits(rs, 6); // US
    }

    // The phone as a person types it: one of the formats people really use in that country.
    static std::string format_phone(cbpq::keyed_stream& rs, const data::country& c,
                                    const std::string& n) {
        const std::string_view cc = c.iso2;
        auto sub = [&](std::size_t a, std::size_t len) { return n.substr(a, len); };
        const auto k = rs.below(6);
        if (cc == "MX") {
            const std::size_t al =
                (n[0] == '5' && n[1] == '5') || n.substr(0, 2) == "33" || n.substr(0, 2) == "81"
                    ? 2
                    : 3;
            const std::string area = sub(0, al), rest = sub(al, std::string::npos);
            const std::string spaced = rest.size() == 8 ? rest.substr(0, 4) + " " + rest.substr(4)
                                                        : rest.substr(0, 3) + " " + rest.substr(3);
            switch (k) {
            case 0:
                return "+52 1 " + area + " " + spaced;
            case 1:
                return "044 " + area + " " + spaced;
            case 2:
                return "045 " + area + " " + spaced;
            case 3:
                return "01 " + area + " " + spaced;
            case 4:
                return "(" + area + ") " + spaced;
            default:
                return n;
            }
        }
        if (cc == "VE") {
            switch (k % 4) {
            case 0:
                return "0" + sub(0, 3) + "-" + sub(3, 7);
            case 1:
                return "+58 " + sub(0, 3) + " " + sub(3, 7);
            case 2:
                return "0" + n;
            default:
                return "+58 (" + sub(0, 3) + ") " + sub(3, 3) + "-" + sub(6, 4);
            }
        }
        if (cc == "HT" || cc == "HN" || cc == "GT" || cc == "SV" || cc == "NI") {
            const std::string code = cc == "HT"   ? "509"
                                     : cc == "HN" ? "504"
                                     : cc == "GT" ? "502"
                                     : cc == "SV" ? "503"
                                                  : "505";
            switch (k % 4) {
            case 0:
                return sub(0, 4) + " " + sub(4, 4);
            case 1:
                return "+" + code + " " + sub(0, 4) + "-" + sub(4, 4);
            case 2:
                return code + " " + n;
            default:
                return sub(0, 4) + "-" + sub(4, 4);
            }
        }
        if (cc == "CU") {
            switch (k % 3) {
            case 0:
                return "+53 " + sub(0, 1) + " " + sub(1, 7);
            case 1:
                return n;
            default:
                return "+53 " + n;
            }
        }
        if (cc == "CO") {
            switch (k % 3) {
            case 0:
                return "+57 " + sub(0, 3) + " " + sub(3, 7);
            case 1:
                return sub(0, 3) + " " + sub(3, 3) + " " + sub(6, 4);
            default:
                return n;
            }
        }
        if (cc == "EC") {
            switch (k % 3) {
            case 0:
                return "+593 " + sub(0, 2) + " " + sub(2, 3) + " " + sub(5, 4);
            case 1:
                return "0" + sub(0, 2) + " " + sub(2, 3) + " " + sub(5, 4);
            default:
                return "0" + n;
            }
        }
        if (cc == "PE") {
            switch (k % 3) {
            case 0:
                return "+51 " + sub(0, 3) + " " + sub(3, 3) + " " + sub(6, 3);
            case 1:
                return n;
            default:
                return sub(0, 3) + "-" + sub(3, 3) + "-" + sub(6, 3);
            }
        }
        if (cc == "BR") {
            switch (k % 3) {
            case 0:
                return "+55 " + sub(0, 2) + " " + sub(2, 5) + "-" + sub(7, 4);
            case 1:
                return "(" + sub(0, 2) + ") " + sub(2, 5) + "-" + sub(7, 4);
            default:
                return sub(0, 2) + sub(2, 9);
            }
        }
        if (cc == "RU") {
            switch (k % 3) {
            case 0:
                return "+7 " + sub(0, 3) + " " + sub(3, 3) + "-" + sub(6, 2) + "-" + sub(8, 2);
            case 1:
                return "8 " + sub(0, 3) + " " + sub(3, 3) + " " + sub(6, 2) + " " + sub(8, 2);
            default:
                return "8" + n;
            }
        }
        if (cc == "AR") {
            switch (k % 3) {
            case 0:
                return "+54 9 " + sub(0, 2) + " " + sub(2, 4) + "-" + sub(6, 4);
            case 1:
                return "0" + sub(0, 2) + " 15 " + sub(2, 4) + "-" + sub(6, 4);
            default:
                return "+54 9 " + n;
            }
        }
        // US, DO (NANP)
        switch (k % 3) {
        case 0:
            return "+1 (" + sub(0, 3) + ") " + sub(3, 3) + "-" + sub(6, 4);
        case 1:
            return sub(0, 3) + "-" + sub(3, 3) + "-" + sub(6, 4);
        default:
            return "+1 " + n;
        }
    }

    static std::string new_email_local(cbpq::keyed_stream& rs, const person& p) {
        std::string g, s;
        if (p.country->population == 3) {
            std::string lat;
            data::icao_latin(p.given, lat);
            g = data::ascii_lower(lat);
            data::icao_latin(p.surname1, lat);
            s = data::ascii_lower(lat);
        } else {
            std::size_t sp = p.given.find(' ');
            g = data::ascii_lower(p.given.substr(0, sp));
            s = data::ascii_lower(p.surname1);
        }
        switch (rs.below(6)) {
        case 0:
            return g + "." + s;
        case 1:
            return g + s + std::to_string(rs.below(100));
        case 2:
            return g + "_" + s + std::to_string(p.y % 100);
        case 3:
            return s + g.substr(0, 1) + std::to_string(rs.below(1000));
        case 4:
            return g + std::to_string(p.y);
        default:
            return g.substr(0, 1) + s + std::to_string(rs.below(10000));
        }
    }

    static std::string_view new_email_domain(cbpq::keyed_stream& rs, const person& p) {
        if (p.country->population == 3 && chance(rs, 0.6)) {
            return rs.below(2) ? "yandex.ru" : "mail.ru";
        }
        if (p.country->population == 2 && chance(rs, 0.3)) {
            return "uol.com.br";
        }
        static constexpr std::string_view d[] = {
            "gmail.com",   "gmail.com",   "gmail.com", "gmail.com",   "gmail.com",
            "hotmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com"};
        return d[rs.below(std::size(d))];
    }

    static std::string new_device(cbpq::keyed_stream& rs) {
        static constexpr char hex[] = "0123456789abcdef";
        std::string s;
        const auto a = rs(), b = rs();
        for (int i = 0; i < 16; ++i) {
            s += hex[(a >> (4 * i)) & 15U];
        }
        for (int i = 0; i < 16; ++i) {
            s += hex[(b >> (4 * i)) & 15U];
        }
        return s;
    }

    void name_person(cbpq::keyed_stream& rs, person& p) const {
        const int pop = p.country->population;
        if (pop == 0) {
            p.given = std::string(pick(rs, p.female ? data::es_female : data::es_male));
        } else if (pop == 1) {
            p.given = std::string(pick(rs, p.female ? data::ht_female : data::ht_male));
        } else if (pop == 2) {
            p.given = std::string(pick(rs, p.female ? data::br_female : data::br_male));
        } else {
            p.given = std::string(pick(rs, p.female ? data::ru_female : data::ru_male));
        }
    }

    void surname_person(cbpq::keyed_stream& rs, person& p) const {
        const int pop = p.country->population;
        if (pop == 0) {
            p.surname1 = std::string(pick(rs, data::es_surname));
            p.surname2 = std::string(pick(rs, data::es_surname));
        } else if (pop == 1) {
            p.surname1 = std::string(pick(rs, data::ht_surname));
            p.surname2.clear();
        } else if (pop == 2) {
            p.surname1 = std::string(pick(rs, data::br_surname));
            p.surname2 = chance(rs, 0.6) ? std::string(pick(rs, data::br_surname)) : "";
        } else {
            std::uint64_t total = 0;
            for (const auto& s : data::ru_surnames) {
                total += s.weight;
            }
            std::uint64_t r = rs.below(total);
            for (const auto& s : data::ru_surnames) {
                if (r < s.weight) {
                    p.surname1 = std::string(p.female ? s.female : s.male);
                    break;
                }
                r -= s.weight;
            }
            p.surname2.clear();
        }
    }

    void birth_person(cbpq::keyed_stream& rs, person& p, int y0, int y1) const {
        p.y = y0 + static_cast<int>(rs.below(static_cast<std::uint64_t>(y1 - y0 + 1)));
        p.m = 1 + static_cast<int>(rs.below(12));
        static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        p.d = 1 + static_cast<int>(rs.below(static_cast<std::uint64_t>(days[p.m - 1])));
    }

    void documents_person(cbpq::keyed_stream& rs, person& p) const {
        p.passport = pattern(rs, p.country->passport);
        p.national = pattern(rs, p.country->national);
    }

    // A new address nobody else holds: providers hand each address to one owner.
    void unique_email(cbpq::keyed_stream& rs, const person& p, std::string& local,
                      std::string& domain) {
        local = new_email_local(rs, p);
        domain = std::string(new_email_domain(rs, p));
        while (!emails_.insert(local, "@", domain)) {
            local += std::to_string(rs.below(10));
        }
    }

    void contact_person(cbpq::keyed_stream& rs, person& p) {
        p.phone_nsn = new_phone(rs, *p.country);
        unique_email(rs, p, p.email_local, p.email_domain);
        p.device = new_device(rs);
    }

    void place_person(cbpq::keyed_stream& rs, person& p) const {
        if (chance(rs, 0.35)) {
            p.address = std::string(data::shelters[rs.below(std::size(data::shelters))]);
        } else {
            p.address = std::string(data::streets[rs.below(std::size(data::streets))]) + " " +
                        std::to_string(1 + rs.below(2000));
        }
        p.city = std::string(data::cities[rs.below(std::size(data::cities))]);
    }

    // One person alone, or a family (partner, siblings, children, twins, a junior) that shares
    // surnames, address, phone and sometimes e-mail and device.
    void make_family(cbpq::keyed_stream& rs, std::size_t room) {
        person head;
        head.index = people_.size();
        head.country = &pick_country(rs);
        head.female = chance(rs, 0.45);
        name_person(rs, head);
        surname_person(rs, head);
        birth_person(rs, head, 1960, 2004);
        documents_person(rs, head);
        contact_person(rs, head);
        place_person(rs, head);
        people_.push_back(head);
        if (room < 2 || !chance(rs, 0.25)) {
            return;
        }
        const auto size = std::min<std::size_t>(room, 2 + rs.below(4));
        const bool shared_email = chance(rs, 0.2);
        const bool shared_device = chance(rs, 0.3);
        const std::size_t first = people_.size() - 1;
        // Parents do not give two of their children the same name: redraw until it differs
        // from every name in the family (a junior, below, shares the parent's on purpose).
        auto fresh_name = [&](person& m) {
            for (int tries = 0; tries < 50; ++tries) {
                name_person(rs, m);
                bool clash = false;
                for (std::size_t q = first; q < people_.size(); ++q) {
                    clash = clash || people_[q].given == m.given;
                }
                if (!clash) {
                    return;
                }
            }
        };
        for (std::size_t k = 1; k < size; ++k) {
            person m = head;
            m.index = people_.size();
            const auto kind = rs.below(10);
            if (kind < 3) { // sibling, maybe a twin
                m.female = chance(rs, 0.5);
                fresh_name(m);
                if (chance(rs, 0.15)) {
                    // twins: same birth date
                } else {
                    birth_person(rs, m, std::max(1955, head.y - 10), std::min(2006, head.y + 10));
                }
            } else if (kind < 5) { // partner: own name and surnames
                m.female = !head.female;
                name_person(rs, m);
                surname_person(rs, m);
                birth_person(rs, m, std::max(1955, head.y - 8), std::min(2005, head.y + 8));
            } else { // child, sometimes named after the parent (a junior)
                m.female = chance(rs, 0.5);
                if (m.female == head.female && chance(rs, 0.15)) {
                    m.given = head.given;
                } else {
                    fresh_name(m);
                }
                birth_person(rs, m, std::min(2020, head.y + 17), 2022);
            }
            documents_person(rs, m);
            const std::string phone = m.phone_nsn;
            contact_person(rs, m);
            if (chance(rs, 0.7)) {
                m.phone_nsn = phone;
            }
            if (shared_email) {
                m.email_local = head.email_local;
                m.email_domain = head.email_domain;
            }
            if (shared_device) {
                m.device = head.device;
            }
            people_.push_back(m);
        }
    }

    static std::string typo(cbpq::keyed_stream& rs, std::string s, bool letters) {
        if (s.size() < 3) {
            return s;
        }
        const auto i = static_cast<std::size_t>(1 + rs.below(s.size() - 2));
        switch (rs.below(3)) {
        case 0: { // substitution
            char c = s[i];
            if (c >= '0' && c <= '9') {
                s[i] = static_cast<char>(
                    '0' + (static_cast<std::uint64_t>(c - '0') + 1 + rs.below(9)) % 10);
            } else if (c >= 'A' && c <= 'Z') {
                s[i] = static_cast<char>(
                    'A' + (static_cast<std::uint64_t>(c - 'A') + 1 + rs.below(25)) % 26);
            } else if (letters && c >= 'a' && c <= 'z') {
                s[i] = static_cast<char>(
                    'a' + (static_cast<std::uint64_t>(c - 'a') + 1 + rs.below(25)) % 26);
            }
            return s;
        }
        case 1: // transposition
            if (s[i] != s[i + 1] && static_cast<unsigned char>(s[i]) < 0x80 &&
                static_cast<unsigned char>(s[i + 1]) < 0x80) {
                std::swap(s[i], s[i + 1]);
            }
            return s;
        default: // deletion
            if (static_cast<unsigned char>(s[i]) < 0x80) {
                s.erase(i, 1);
            }
            return s;
        }
    }

    static std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

    registration render(const person& p, cbpq::keyed_stream& rs, bool dup) {
        registration r;
        r.person = p.index;
        // 2023-01-12 00:00 UTC plus up to 300 days.
        r.registered = 1673481600 + static_cast<std::int64_t>(rs.below(300ULL * 86400));
        const bool russian = p.country->population == 3;
        // Names.
        std::string given = p.given, s1 = p.surname1, s2 = p.surname2;
        const bool latin = russian && (dup ? chance(rs, 0.5) : chance(rs, 0.4));
        if (latin) {
            bool popular = false;
            if (chance(rs, 0.3)) {
                for (const auto& pl : data::ru_popular_latin) {
                    if (pl.cyrillic == given) {
                        given = std::string(pl.latin);
                        popular = true;
                    }
                }
            }
            std::string tmp;
            if (!popular) {
                data::icao_latin(given, tmp);
                given = tmp;
            }
            data::icao_latin(s1, tmp);
            s1 = tmp;
        }
        std::string surname = s2.empty() ? s1 : s1 + " " + s2;
        if (dup) {
            if (!s2.empty()) {
                const auto k = rs.uniform();
                if (k < 0.08) {
                    surname = s2 + " " + s1; // swapped
                } else if (k < 0.23) {
                    surname = s1; // second dropped
                } else if (k < 0.31) {
                    surname = s1 + "-" + s2; // hyphenated
                } else if (k < 0.36 && p.country->population == 0) {
                    surname = s1 + " y " + s2;
                }
            }
            if (p.female && p.country->population == 0 && chance(rs, 0.03)) {
                surname += " de " + std::string(pick(rs, data::es_surname));
            }
            if (chance(rs, 0.02)) {
                given = typo(rs, given, true);
            }
            if (chance(rs, 0.02)) {
                surname = typo(rs, surname, true);
            }
        }
        if (!russian || latin) {
            if (chance(rs, dup ? 0.5 : 0.3)) {
                given = data::strip_accents(given);
                surname = data::strip_accents(surname);
            }
            const auto c = rs.below(10);
            if (c < 2) {
                given = data::upper(given);
                surname = data::upper(surname);
            }
        }
        r.given = given;
        r.surname = surname;
        // Birth date; a duplicate sometimes mistypes it (day and month swapped, a day off).
        int y = p.y, m = p.m, d = p.d;
        if (dup && chance(rs, 0.02)) {
            if (d <= 12 && d != m) {
                std::swap(d, m);
            } else {
                d = d == 1 ? 2 : d - 1;
            }
        }
        r.birth = std::to_string(y) + "-" + two(m) + "-" + two(d);
        r.sex = p.female ? "F" : "M";
        r.nationality = std::string(p.country->iso2);
        // Document: the passport mostly; a duplicate may mistype it, give the national
        // document instead, or leave it out.
        r.document_country = std::string(p.country->iso3);
        r.document_type = "passport";
        r.document = p.passport;
        if (dup) {
            const auto k = rs.uniform();
            if (k < 0.20) {
                r.document = typo(rs, r.document, false);
            } else if (k < 0.30) {
                r.document_type = std::string(p.country->national_type);
                r.document = p.national;
            } else if (k < 0.38) {
                r.document.clear();
                r.document_type.clear();
            }
        } else if (chance(rs, 0.15)) {
            r.document_type = std::string(p.country->national_type);
            r.document = p.national;
        }
        if (!r.document.empty() && r.document.size() >= 7 && chance(rs, 0.15)) {
            r.document = r.document.substr(0, 3) + (rs.below(2) ? "-" : " ") + r.document.substr(3);
        }
        // Phone.
        std::string nsn = p.phone_nsn;
        if (dup) {
            const auto k = rs.uniform();
            if (k < 0.2) {
                nsn = new_phone(rs, *p.country);
            } else if (k < 0.25) {
                nsn.clear();
            }
        }
        if (!nsn.empty()) {
            r.phone = format_phone(rs, *p.country, nsn);
            r.phone_country = std::string(p.country->iso2);
        }
        // E-mail: the same, the same written another way, or a new one.
        std::string local = p.email_local;
        std::string domain = p.email_domain;
        if (dup) {
            const auto k = rs.uniform();
            if (k < 0.5) {
                unique_email(rs, p, local, domain);
            } else if (k < 0.65 && domain == "gmail.com") {
                const auto v = rs.below(3);
                if (v == 0 && local.size() > 3) {
                    local.insert(2, ".");
                } else if (v == 1) {
                    local += "+cbp";
                } else {
                    domain = "googlemail.com";
                }
            } else if (k < 0.70) {
                local = data::upper(local);
            }
        }
        r.email = local + "@" + domain;
        r.device = dup && chance(rs, 0.6) ? new_device(rs) : p.device;
        r.address = p.address;
        r.city = p.city;
        if (dup && chance(rs, 0.4)) {
            // Moved: a shelter or another street.
            person q = p;
            place_person(rs, q);
            r.address = q.address;
            r.city = q.city;
        }
        return r;
    }

    options opt_;
    cbpq::draw_key key_;
    std::uint64_t country_total_ = 0;
    std::vector<person> people_;
    text_set emails_;
};

/// Generates registrations (see generator).
inline std::vector<registration> generate(const options& o) { return generator(o).generate(); }

/// 2023-05-12T09:30:00Z from seconds since 1970 (UTC).
inline std::string iso_time(std::int64_t t) {
    const std::int64_t days = t / 86400;
    const std::int64_t secs = t % 86400;
    // Howard Hinnant's civil_from_days (public domain algorithm description).
    std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) {
        ++y;
    }
    auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    return std::to_string(y) + "-" + two(m) + "-" + two(d) + "T" + two(secs / 3600) + ":" +
           two(secs / 60 % 60) + ":" + two(secs % 60) + "Z";
}

} // namespace detail::idgen
CBPQ_END_NAMESPACE

#endif
