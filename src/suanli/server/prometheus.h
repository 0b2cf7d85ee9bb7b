// /metrics: the service in the Prometheus text exposition format (0.0.4).
//
// Gauges from the live state (queue length and devices in use per tenant,
// devices per accelerator model and origin, the domestic share over the cap
// window, imported scope against its cap), counters since the log began
// (placements, denials per rule, decisions, commands) and histograms
// (request latency by route, decision latency from queueing to durable
// acknowledgement, commit latency). A tenant's token gets its own tenant's
// series and the fleet-wide capacity only: no other tenant's label appears.
#pragma once

#include <string>

#include "suanli/server/access.h"
#include "suanli/server/service.h"

namespace suanli::server {

std::string prometheus_text(Service& service, const Principal& who, Seconds now);

}  // namespace suanli::server
