#include "suanli/i18n/terms.h"

#include <utility>

#include "suanli/i18n/catalogue.h"

namespace suanli::i18n {
namespace {

struct Term {
  std::string_view key;  // as the data writes it
  std::string_view id;   // message id
};

// Every id written out, so that the catalogue test sees each one used.
constexpr Term kSectors[] = {
    {"telecom", "sector.telecom"},     {"energy", "sector.energy"},
    {"finance", "sector.finance"},     {"transport", "sector.transport"},
    {"government", "sector.government"}, {"internet", "sector.internet"},
    {"education", "sector.education"}, {"research", "sector.research"},
    {"healthcare", "sector.healthcare"}, {"manufacturing", "sector.manufacturing"},
    {"media", "sector.media"},         {"other", "sector.other"},
};

constexpr Term kEffects[] = {
    {"no-new-supply", "effect.no_new_supply"}, {"no-support", "effect.no_support"},
    {"immediate-loss", "effect.immediate_loss"}, {"restored", "effect.restored"},
    {"failure", "effect.failure"},           {"retirement", "effect.retirement"},
};

constexpr Term kVendors[] = {
    {"NVIDIA", "vendor.nvidia"},   {"Huawei", "vendor.huawei"}, {"Cambricon", "vendor.cambricon"},
    {"Biren", "vendor.biren"},     {"Moore Threads", "vendor.moore_threads"},
    {"Hygon", "vendor.hygon"},     {"Kunlunxin", "vendor.kunlunxin"},
    {"MetaX", "vendor.metax"},     {"Iluvatar", "vendor.iluvatar"},
};

template <std::size_t N>
std::string lookup(const Term (&terms)[N], std::string_view key, Lang lang) {
  for (const Term& t : terms) {
    if (t.key == key) return tr(lang, t.id);
  }
  return std::string(key);
}

}  // namespace

std::string origin_name(Origin origin, Lang lang) {
  return tr(lang, origin == Origin::Domestic ? "origin.domestic" : "origin.imported");
}

std::string sector_name(std::string_view sector, Lang lang) { return lookup(kSectors, sector, lang); }

std::string vendor_name(std::string_view vendor, Lang lang) { return lookup(kVendors, vendor, lang); }

std::string effect_name(std::string_view effect, Lang lang) { return lookup(kEffects, effect, lang); }

}  // namespace suanli::i18n
