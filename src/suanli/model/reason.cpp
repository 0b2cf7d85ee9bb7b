#include "suanli/model/reason.h"

namespace suanli {

bool Verdict::operator==(const Verdict& o) const {
  const bool same_domestic = domestic == o.domestic || (domestic && o.domestic && *domestic == *o.domestic);
  return accelerator == o.accelerator && allowed == o.allowed && rule == o.rule && why == o.why &&
         tenant == o.tenant && sector == o.sector && same_domestic && in_use == o.in_use && limit == o.limit &&
         cap_share == o.cap_share && fleet_devices == o.fleet_devices;
}

const std::vector<Verdict>& VerdictList::list() const {
  static const std::vector<Verdict> kNone;
  return list_ ? *list_ : kNone;
}

}  // namespace suanli
