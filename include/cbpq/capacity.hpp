// SPDX-License-Identifier: BSL-1.0
#ifndef CBPQ_CAPACITY_HPP
#define CBPQ_CAPACITY_HPP

/// \file
/// Capacity: what each port can take on one port-local date, in persons, parties and time
/// slots. The draw consumes a day_capacity; capacity policies produce one.

#include "error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

CBPQ_BEGIN_NAMESPACE

/// One time slot of a port-day: its label (such as "08:00") and how many persons it takes.
struct slot_capacity {
    std::string label;
    std::int64_t persons = 0;

    friend bool operator==(const slot_capacity&, const slot_capacity&) = default;
};

/// What one port can take on one date. Signed counts so that bad plans can be represented
/// and refused by validation rather than wrapped silently.
struct port_capacity {
    std::string port;
    /// Persons the port can process that day.
    std::int64_t persons = 0;
    /// Cap on parties (appointments); none means no cap beyond persons.
    std::optional<std::int64_t> parties;
    /// Slots in order; empty means no slot grid. With a grid, each selected party must fit
    /// whole in one slot.
    std::vector<slot_capacity> slots;

    friend bool operator==(const port_capacity&, const port_capacity&) = default;
};

/// The capacity of every port for one draw (one port-local date).
struct day_capacity {
    std::vector<port_capacity> ports;

    /// The port named `name`, or nullptr. O(ports).
    [[nodiscard]] const port_capacity* find(std::string_view name) const noexcept {
        for (const auto& p : ports) {
            if (p.port == name) {
                return &p;
            }
        }
        return nullptr;
    }

    friend bool operator==(const day_capacity&, const day_capacity&) = default;
};

CBPQ_END_NAMESPACE

#endif
