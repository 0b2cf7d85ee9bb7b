// The field's terms in a language: origins (国产 / 进口), sectors (电信, 能源,
// 金融, ...), vendors (英伟达, 华为, ...). The words are the dashboard's
// (web/src/i18n/zh-CN.json), so the product speaks one language.
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "suanli/i18n/lang.h"
#include "suanli/model/enums.h"

namespace suanli::i18n {

std::string origin_name(Origin origin, Lang lang);  // "domestic" / "国产"
// A sector id as scenarios write it ("telecom", "finance", ...); an unknown
// id is returned as it is.
std::string sector_name(std::string_view sector, Lang lang);
// A vendor as the catalog writes it ("NVIDIA", "Huawei", ...) in Chinese
// where the vendor has a Chinese name in use; otherwise as written.
std::string vendor_name(std::string_view vendor, Lang lang);
// An export-policy effect or shock kind as written in data ("no-new-supply",
// "immediate-loss", "failure", ...); an unknown one is returned as it is.
std::string effect_name(std::string_view effect, Lang lang);

}  // namespace suanli::i18n
