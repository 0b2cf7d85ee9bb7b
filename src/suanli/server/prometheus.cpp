#include "suanli/server/prometheus.h"

#include <map>

#include <fmt/format.h>

namespace suanli::server {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string tl(const std::string& tenant) { return fmt::format("tenant=\"{}\"", label_value(tenant)); }

}  // namespace

std::string prometheus_text(Service& service, const Principal& who, Seconds now) {
  std::string out;
  service.read([&](const live::LiveState& s) {
    const Seconds from = now - s.policy().cap_window;
    family(out, "suanli_queue_length", "gauge", "Jobs waiting, by tenant.");
    for (const Tenant& t : s.tenants()) {
      if (who.sees(t.name)) out += fmt::format("suanli_queue_length{{{}}} {}\n", tl(t.name), s.pending_of(t.name));
    }
    family(out, "suanli_tenant_devices_in_use", "gauge", "Devices held by a tenant's jobs (a share counts its fraction).");
    for (const Tenant& t : s.tenants()) {
      if (!who.sees(t.name)) continue;
      out += fmt::format("suanli_tenant_devices_in_use{{{},origin=\"imported\"}} {}\n", tl(t.name), s.imported_in_use(t.name));
      out += fmt::format("suanli_tenant_devices_in_use{{{},origin=\"domestic\"}} {}\n", tl(t.name),
                         s.devices_in_use(t.name) - s.imported_in_use(t.name));
    }
    family(out, "suanli_domestic_share", "gauge",
           "Domestic share of a tenant's device time over the policy's cap window (basis: device_hours or compute).");
    for (const Tenant& t : s.tenants()) {
      if (!who.sees(t.name)) continue;
      const live::Usage u = s.usage(t.name, from, now + 1, now);
      if (auto v = u.share_devices()) out += fmt::format("suanli_domestic_share{{{},basis=\"device_hours\"}} {}\n", tl(t.name), *v);
      if (auto v = u.share_compute()) out += fmt::format("suanli_domestic_share{{{},basis=\"compute\"}} {}\n", tl(t.name), *v);
    }
    family(out, "suanli_domestic_target", "gauge", "A tenant's domestic-share target.");
    for (const Tenant& t : s.tenants()) {
      if (who.sees(t.name)) out += fmt::format("suanli_domestic_target{{{}}} {}\n", tl(t.name), t.domestic_target);
    }
    family(out, "suanli_placements_total", "counter", "Placements, by tenant and accelerator model.");
    for (const auto& [key, n] : s.counters().placements) {
      if (who.sees(key.first)) out += fmt::format("suanli_placements_total{{{},accelerator=\"{}\"}} {}\n", tl(key.first), key.second, n);
    }
    family(out, "suanli_denials_total", "counter", "Decisions in which a rule denied an accelerator, by tenant and rule.");
    for (const auto& [key, n] : s.counters().denials) {
      if (who.sees(key.first)) out += fmt::format("suanli_denials_total{{{},rule=\"{}\"}} {}\n", tl(key.first), key.second, n);
    }
    family(out, "suanli_decisions_total", "counter", "Decisions, by tenant and kind (place, preempt, reject, defer).");
    for (const auto& [key, n] : s.counters().decisions) {
      if (who.sees(key.first)) out += fmt::format("suanli_decisions_total{{{},kind=\"{}\"}} {}\n", tl(key.first), key.second, n);
    }
    // Fleet capacity: not any tenant's data.
    struct Model {
      std::string origin;
      int devices = 0;
      double used = 0;
    };
    std::map<std::string, Model> models;
    int devices = 0;
    for (const Pool& p : s.scheduler().cluster().pools()) {
      Model& m = models[p.accelerator->id];
      m.origin = std::string(name(p.accelerator->origin));
      m.devices += p.total_devices;
      m.used += p.used_devices();
      devices += p.total_devices;
    }
    family(out, "suanli_fleet_devices", "gauge", "Devices of nodes that are up, by accelerator model and origin.");
    for (const auto& [id, m] : models) {
      out += fmt::format("suanli_fleet_devices{{accelerator=\"{}\",origin=\"{}\"}} {}\n", id, m.origin, m.devices);
    }
    family(out, "suanli_running_devices", "gauge", "Devices in use, by accelerator model and origin.");
    for (const auto& [id, m] : models) {
      out += fmt::format("suanli_running_devices{{accelerator=\"{}\",origin=\"{}\"}} {}\n", id, m.origin, m.used);
    }
    if (!who.can_read_all()) return 0;
    family(out, "suanli_imported_in_use_devices", "gauge", "Imported devices in use in the fleet.");
    out += fmt::format("suanli_imported_in_use_devices {}\n", s.imported_in_use(""));
    family(out, "suanli_imported_cap_devices", "gauge", "The imported scope's cap in devices (policy share x fleet).");
    out += fmt::format("suanli_imported_cap_devices {}\n", s.policy().imported_cap_fleet * devices);
    family(out, "suanli_imported_capacity_share", "gauge", "Imported share of the fleet's device-hour capacity over the cap window.");
    out += fmt::format("suanli_imported_capacity_share {}\n", s.imported_capacity_share(from, now + 1, now));
    const live::Usage fleet = s.usage("", from, now + 1, now);
    if (auto v = fleet.share_devices()) {
      family(out, "suanli_fleet_domestic_share", "gauge", "Domestic share of the fleet's device-hours over the cap window.");
      out += fmt::format("suanli_fleet_domestic_share {}\n", *v);
    }
    family(out, "suanli_commands_total", "counter", "Commands applied since the log began, by kind.");
    for (const auto& [kind, n] : s.counters().commands) out += fmt::format("suanli_commands_total{{kind=\"{}\"}} {}\n", kind, n);
    family(out, "suanli_log_events", "gauge", "Events in the durable log.");
    out += fmt::format("suanli_log_events {}\n", s.commands());
    return 0;
  });
  if (!who.can_read_all()) return out;
  family(out, "suanli_decision_latency_seconds", "histogram",
         "Time from a write's arrival at the sequencer's queue to its durable acknowledgement.");
  service.metrics().decision_latency.render(out, "suanli_decision_latency_seconds", "");
  family(out, "suanli_commit_latency_seconds", "histogram", "Time of one store transaction (group commit).");
  service.metrics().commit_latency.render(out, "suanli_commit_latency_seconds", "");
  family(out, "suanli_batches_total", "counter", "Store transactions written by the sequencer.");
  out += fmt::format("suanli_batches_total {}\n", service.metrics().batches.load());
  family(out, "suanli_batched_commands_total", "counter", "Commands taken by the sequencer in those transactions.");
  out += fmt::format("suanli_batched_commands_total {}\n", service.metrics().batched_commands.load());
  service.metrics().render_requests(out);
  return out;
}

}  // namespace suanli::server
