// Time in suanli: integer seconds since 1970-01-01 UTC.
//
// The scheduler never reads a clock: `now` is passed in (virtual time in the
// simulator, wall time in the service). Dates in files are ISO yyyy-mm-dd or
// yyyy-mm-ddThh:mm[:ss] (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace suanli {

using Seconds = std::int64_t;

constexpr Seconds kMinute = 60;
constexpr Seconds kHour = 3600;
constexpr Seconds kDay = 86400;

// Parses "2025-12-08" or "2025-12-08T06:30[:00]" (UTC). nullopt if malformed
// or not a real calendar date.
std::optional<Seconds> parse_time(std::string_view text);

// Parses a duration such as "90s", "30m", "12h", "14d", "2w" or a bare number
// of seconds. nullopt if malformed or negative.
std::optional<Seconds> parse_duration(std::string_view text);

std::string format_date(Seconds t);      // "2025-12-08"
std::string format_time(Seconds t);      // "2025-12-08 06:30"
std::string format_duration(Seconds d);  // "3d 4h", "45m", "12s"

}  // namespace suanli
