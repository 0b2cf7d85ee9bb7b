#include "suanli/model/time.h"

#include <charconv>
#include <cstdio>

namespace suanli {
namespace {

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

}  // namespace

std::optional<Seconds> parse_time(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 10 || !read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' ||
      !read_int(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || !read_int(s, 11, 2, h) || s.size() < 16 || s[13] != ':' ||
        !read_int(s, 14, 2, mi)) {
      return std::nullopt;
    }
    if (s.size() > 16 && (s[16] != ':' || !read_int(s, 17, 2, se) || s.size() != 19)) return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kDay + h * kHour + mi * kMinute + se;
}

std::optional<Seconds> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  Seconds unit = 1;
  std::string_view digits = s;
  switch (s.back()) {
    case 's': unit = 1; digits.remove_suffix(1); break;
    case 'm': unit = kMinute; digits.remove_suffix(1); break;
    case 'h': unit = kHour; digits.remove_suffix(1); break;
    case 'd': unit = kDay; digits.remove_suffix(1); break;
    case 'w': unit = 7 * kDay; digits.remove_suffix(1); break;
    default: break;
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || value < 0 || value > 1e12) {
    return std::nullopt;
  }
  return static_cast<Seconds>(value * static_cast<double>(unit));
}

std::string format_date(Seconds t) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(t >= 0 ? t / kDay : (t - kDay + 1) / kDay, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string format_time(Seconds t) {
  const Seconds day_start = (t >= 0 ? t / kDay : (t - kDay + 1) / kDay) * kDay;
  const Seconds rest = t - day_start;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(rest / kHour), static_cast<int>(rest % kHour / kMinute));
  std::string out = format_date(t);
  out += ' ';
  out += buf;
  return out;
}

std::string format_duration(Seconds d) {
  char buf[32];
  if (d < 0) {
    std::string out = "-";
    out += format_duration(-d);
    return out;
  }
  if (d >= kDay) {
    std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(d / kDay), static_cast<long long>(d % kDay / kHour));
  } else if (d >= kHour) {
    std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(d / kHour), static_cast<long long>(d % kHour / kMinute));
  } else if (d >= kMinute) {
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(d / kMinute));
  } else {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(d));
  }
  return buf;
}

}  // namespace suanli
