// JSON views of the live state for the API: jobs, nodes, the fleet, tenants
// and their domestic share. Read under the service's shared lock; pure
// functions of the state, the catalog and `now`.
//
// Times are seconds since 1970 (UTC); device figures are device units (a
// share of a device counts as its fraction); compute is device-hours x dense
// BF16 TFLOPS / 1000 ("PFLOPS-hours").
#pragma once

#include <optional>
#include <string>

#include "suanli/i18n/lang.h"
#include "suanli/live/live_state.h"
#include "suanli/wire/json_reader.h"

namespace suanli::server {

// Reasons (the job's, its verdicts') are written in `lang`; keys and ids never change.
wire::Json job_view(const live::LiveState& s, const live::JobRecord& r, i18n::Lang lang = i18n::Lang::En);
// Where a job runs or why it waits: the options the scheduler weighs for it
// now (each accelerator model: devices, modelled runtime, the policy's word).
wire::Json explain_view(const live::LiveState& s, const live::JobRecord& r, i18n::Lang lang = i18n::Lang::En);
// Each node's reason (why it changed last) in `lang`.
wire::Json nodes_view(const live::LiveState& s, i18n::Lang lang = i18n::Lang::En);
wire::Json fleet_view(const live::LiveState& s, Seconds from, Seconds to, Seconds now);
wire::Json tenant_view(const live::LiveState& s, const Tenant& t, Seconds from, Seconds to, Seconds now);
wire::Json usage_json(const live::Usage& u);
// The domestic share of `tenant` ("" = fleet) over [from, to) in `points` buckets.
wire::Json share_view(const live::LiveState& s, const std::string& tenant, Seconds from, Seconds to, int points,
                      Seconds now);
wire::Json export_view(const live::LiveState& s);

}  // namespace suanli::server
