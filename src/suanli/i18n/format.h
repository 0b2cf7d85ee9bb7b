// Numbers, dates, durations and money written for a language.
//
// Numbers keep the same digits in both languages (zh-CN groups thousands
// with commas as English does: 1,234.5); dates and durations follow the
// language ("2025-12-08" / "2025年12月8日", "3d 4h" / "3天4小时"); money says
// its currency the way each language does ("USD 1,200" / "1,200 美元") and
// short amounts use 万 and 亿 in Chinese ("USD 1.2M" / "120万美元").
// Times are UTC, as everywhere in suanli. Pure; thread-safe.
#pragma once

#include <string>

#include "suanli/i18n/lang.h"
#include "suanli/model/time.h"

namespace suanli::i18n {

std::string date(Lang lang, Seconds t);       // "2025-12-08" / "2025年12月8日"
std::string date_time(Lang lang, Seconds t);  // "2025-12-08 06:30" / "2025年12月8日 06:30"
std::string month(Lang lang, Seconds t);      // "2025-12" / "2025年12月"
std::string duration(Lang lang, Seconds d);   // "3d 4h", "45m" / "3天4小时", "45分钟"

// `v` as the reports write numbers: below 10,000 with `decimals` decimals,
// from 10,000 whole with thousands separators; "-" when not finite.
std::string number(Lang lang, double v, int decimals);
// A fraction as a percentage with one decimal: 0.123 -> "12.3%"; "-" when not finite.
std::string percent(Lang lang, double fraction);
// US dollars, whole: "USD 1,234,567" / "1,234,567 美元".
std::string usd(Lang lang, double v);
// US dollars, short, for chart axes: "USD 1.2M", "USD 350k" / "120万美元", "1.2亿美元".
std::string usd_short(Lang lang, double v);

}  // namespace suanli::i18n
