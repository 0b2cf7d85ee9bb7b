#include "suanli/i18n/format.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace suanli::i18n {
namespace {

// The reports' number style (report::fmt_number): below 10,000 with
// `decimals` decimals; from 10,000 whole and grouped by thousands.
std::string grouped(double v, int decimals) {
  if (std::abs(v) < 10000) return fmt::format("{:.{}f}", v, decimals);
  const std::string digits = fmt::format("{}", std::llabs(std::llround(v)));
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};

Ymd ymd(Seconds t) {
  const std::string s = format_date(t);  // yyyy-mm-dd
  return {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
}

}  // namespace

std::string date(Lang lang, Seconds t) {
  if (lang == Lang::En) return format_date(t);
  const Ymd d = ymd(t);
  return fmt::format("{}年{}月{}日", d.y, d.m, d.d);
}

std::string date_time(Lang lang, Seconds t) {
  if (lang == Lang::En) return format_time(t);
  return date(lang, t) + " " + format_time(t).substr(11);
}

std::string month(Lang lang, Seconds t) {
  if (lang == Lang::En) return format_date(t).substr(0, 7);
  const Ymd d = ymd(t);
  return fmt::format("{}年{}月", d.y, d.m);
}

std::string duration(Lang lang, Seconds d) {
  if (lang == Lang::En) return format_duration(d);
  if (d < 0) {
    std::string out = "-";  // appended, not prepended: g++ 12 warns falsely on "-" + std::string
    out += duration(lang, -d);
    return out;
  }
  if (d >= kDay) return fmt::format("{}天{}小时", d / kDay, d % kDay / kHour);
  if (d >= kHour) return fmt::format("{}小时{}分钟", d / kHour, d % kHour / kMinute);
  if (d >= kMinute) return fmt::format("{}分钟", d / kMinute);
  return fmt::format("{}秒", d);
}

std::string number(Lang, double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  return grouped(v, decimals);
}

std::string percent(Lang lang, double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return number(lang, fraction * 100.0, 1) + "%";
}

std::string usd(Lang lang, double v) {
  const std::string n = number(lang, v, 0);
  return lang == Lang::Zh ? n + " 美元" : std::string("USD ") + n;
}

std::string usd_short(Lang lang, double v) {
  const double a = std::abs(v);
  if (lang == Lang::Zh) {
    if (a >= 1e8) return number(lang, v / 1e8, 1) + "亿美元";
    if (a >= 1e4) return number(lang, v / 1e4, 0) + "万美元";
    return number(lang, v, 0) + "美元";
  }
  std::string out = "USD ";
  if (a >= 1e9) return out + number(lang, v / 1e9, 1) + "B";
  if (a >= 1e6) return out + number(lang, v / 1e6, 1) + "M";
  if (a >= 1e3) return out + number(lang, v / 1e3, 0) + "k";
  return out + number(lang, v, 0);
}

}  // namespace suanli::i18n
