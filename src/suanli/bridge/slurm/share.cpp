#include "suanli/bridge/slurm/share.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/bridge/slurm/hostlist.h"
#include "suanli/bridge/slurm/submission.h"
#include "suanli/report/table.h"

namespace suanli::bridge::slurm {
namespace {

std::vector<std::string> fields(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == sep) {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::optional<std::int64_t> integer(std::string_view s) {
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

std::string hours(double h) { return fmt::format("{:.4f}", h); }
std::string percent(std::optional<double> v) { return v ? fmt::format("{:.1f}%", *v * 100) : "-"; }

}  // namespace

std::vector<SacctRun> parse_sacct(const std::string& text, int* skipped) {
  std::vector<SacctRun> out;
  int bad = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.empty()) continue;
    const std::vector<std::string> f = fields(line, '|');
    if (f.size() < 8) {
      ++bad;
      continue;
    }
    SacctRun r;
    const auto id = integer(f[0]);
    const auto begin = integer(f[3]);
    if (!id || !begin) {  // never started ("Unknown", "None")
      if (!id) ++bad;
      continue;
    }
    r.job = *id;
    r.account = f[1];
    r.state = fields(f[2], ' ').front();  // "CANCELLED by 0" -> CANCELLED
    r.start = *begin;
    r.end = integer(f[4]).value_or(-1);
    for (const std::string& tres : fields(f[5], ',')) {
      // gres/gpu:ascend-910b3=8 (the typed entry; gres/gpu=8 is the sum)
      if (tres.rfind("gres/gpu:", 0) != 0) continue;
      const auto eq = tres.find('=');
      if (eq == std::string::npos) continue;
      r.accelerator = tres.substr(9, eq - 9);
      r.devices = static_cast<int>(integer(tres.substr(eq + 1)).value_or(0));
    }
    try {
      r.nodes = expand_hostlist(f[6]);
    } catch (const std::exception&) {
      r.nodes.clear();
    }
    r.suanli_job = linked_job(f[7]);
    out.push_back(std::move(r));
  }
  if (skipped) *skipped = bad;
  return out;
}

ShareReport share_report(const std::vector<SacctRun>& runs, const Scenario& scenario, const Catalog& catalog,
                         Seconds since, Seconds until, Seconds now) {
  ShareReport r;
  r.since = since;
  r.until = until;
  r.fleet_target = scenario.policy.domestic_target;
  r.cap_fleet = scenario.policy.imported_cap_fleet;
  for (const NodeGroup& g : scenario.fleet) r.fleet_devices += g.count * g.devices_per_node;
  r.cap_devices = r.cap_fleet * r.fleet_devices;
  const Seconds end_of_window = std::min(until, std::max(now, since));
  r.capacity_hours = static_cast<double>(std::max<Seconds>(0, end_of_window - since)) / kHour * r.fleet_devices;

  std::map<std::pair<std::string, std::string>, ShareRow> rows;
  std::map<std::string, TenantShare> tenants;
  std::vector<std::pair<Seconds, int>> imported_edges;  // (time, +devices / -devices)
  for (const SacctRun& run : runs) {
    const Seconds s = std::max(run.start, since);
    const Seconds e = std::min(run.end >= 0 ? run.end : now, until);
    if (e <= s) continue;
    if (run.accelerator.empty() || run.devices <= 0) {
      r.untyped_runs += 1;
      continue;
    }
    r.runs += 1;
    const Accelerator* a = catalog.find_accelerator(run.accelerator);
    const std::string origin = a ? std::string(name(a->origin)) : "unknown";
    const double h = static_cast<double>(e - s) / kHour * run.devices;
    ShareRow& row = rows[{run.account, run.accelerator}];
    row.tenant = run.account;
    row.accelerator = run.accelerator;
    row.origin = origin;
    row.runs += 1;
    row.device_hours += h;
    TenantShare& t = tenants[run.account];
    t.tenant = run.account;
    if (origin == "domestic") {
      t.domestic_hours += h;
      r.domestic_hours += h;
    } else {
      // An unknown model counts as imported: the share never flatters itself.
      t.imported_hours += h;
      r.imported_hours += h;
      imported_edges.emplace_back(s, run.devices);
      imported_edges.emplace_back(e, -run.devices);
    }
  }
  for (auto& [key, row] : rows) r.rows.push_back(row);
  auto share_of = [](double dom, double imp) -> std::optional<double> {
    return dom + imp > 0 ? std::optional<double>(dom / (dom + imp)) : std::nullopt;
  };
  for (const Tenant& t : scenario.tenants) {
    TenantShare ts;
    ts.tenant = t.name;
    if (auto it = tenants.find(t.name); it != tenants.end()) ts = it->second;
    ts.target = t.domestic_target;
    ts.share = share_of(ts.domestic_hours, ts.imported_hours);
    r.tenants.push_back(ts);
    tenants.erase(t.name);
  }
  for (auto& [name, ts] : tenants) {
    ts.known = false;
    ts.share = share_of(ts.domestic_hours, ts.imported_hours);
    r.tenants.push_back(ts);
  }
  r.share = share_of(r.domestic_hours, r.imported_hours);
  r.imported_capacity_share = r.capacity_hours > 0 ? r.imported_hours / r.capacity_hours : 0;
  // Ends before starts at the same second: a job ending as another starts is not overlap.
  std::sort(imported_edges.begin(), imported_edges.end());
  int in_use = 0;
  for (const auto& [t, d] : imported_edges) {
    in_use += d;
    if (in_use > r.peak_imported_devices) {
      r.peak_imported_devices = in_use;
      r.peak_at = t;
    }
  }
  r.within_cap = r.peak_imported_devices <= r.cap_devices + 1e-9;
  return r;
}

std::string share_table(const ShareReport& r) {
  std::string out = fmt::format("Device-hours from Slurm accounting (sacct), {} to {}\n\n", format_time(r.since),
                                format_time(r.until));
  report::Table rows({{"tenant"}, {"model"}, {"origin"}, {"runs", true}, {"device-hours", true}});
  for (const ShareRow& row : r.rows) {
    rows.add_row({row.tenant, row.accelerator, row.origin, std::to_string(row.runs), hours(row.device_hours)});
  }
  out += rows.render() + "\n";
  report::Table t({{"tenant"}, {"domestic h", true}, {"imported h", true}, {"domestic share", true}, {"target", true},
                   {"meets"}});
  for (const TenantShare& s : r.tenants) {
    t.add_row({s.known ? s.tenant : s.tenant + " (not a tenant)", hours(s.domestic_hours), hours(s.imported_hours),
               percent(s.share), s.known ? percent(s.target) : "-",
               !s.share ? "-" : (*s.share + 1e-9 >= s.target ? "yes" : "no")});
  }
  out += t.render() + "\n";
  out += fmt::format("fleet: domestic share {} (target {}); imported {:.4f} of {:.4f} device-hours of capacity ({:.1f}%)\n",
                     percent(r.share), percent(r.fleet_target), r.imported_hours, r.capacity_hours,
                     r.imported_capacity_share * 100);
  out += fmt::format("imported cap: at most {:g} of {} devices ({:g}); peak allocated in Slurm {}{} -> {}\n", r.cap_fleet,
                     r.fleet_devices, r.cap_devices, r.peak_imported_devices,
                     r.peak_imported_devices > 0 ? " at " + format_time(r.peak_at) : "",
                     r.within_cap ? "within the cap" : "OVER THE CAP");
  if (r.untyped_runs > 0) {
    out += fmt::format("note: {} allocations had no typed GPU and are not counted\n", r.untyped_runs);
  }
  return out;
}

std::string share_csv(const ShareReport& r) {
  report::Table t({{"tenant"}, {"model"}, {"origin"}, {"runs", true}, {"device_hours", true}});
  for (const ShareRow& row : r.rows) {
    t.add_row({row.tenant, row.accelerator, row.origin, std::to_string(row.runs), fmt::format("{:.6f}", row.device_hours)});
  }
  return t.csv();
}

std::string share_json(const ShareReport& r) {
  using Json = nlohmann::json;
  auto opt = [](std::optional<double> v) { return v ? Json(*v) : Json(nullptr); };
  Json rows = Json::array();
  for (const ShareRow& row : r.rows) {
    rows.push_back({{"tenant", row.tenant}, {"accelerator", row.accelerator}, {"origin", row.origin},
                    {"runs", row.runs}, {"device_hours", row.device_hours}});
  }
  Json tenants = Json::array();
  for (const TenantShare& s : r.tenants) {
    tenants.push_back({{"tenant", s.tenant}, {"known", s.known}, {"domestic_hours", s.domestic_hours},
                       {"imported_hours", s.imported_hours}, {"share", opt(s.share)}, {"target", s.target}});
  }
  const Json j = {{"source", "sacct"},
                  {"since", r.since},
                  {"until", r.until},
                  {"rows", rows},
                  {"tenants", tenants},
                  {"fleet",
                   {{"domestic_hours", r.domestic_hours},
                    {"imported_hours", r.imported_hours},
                    {"share", opt(r.share)},
                    {"target", r.fleet_target},
                    {"devices", r.fleet_devices},
                    {"capacity_hours", r.capacity_hours},
                    {"imported_capacity_share", r.imported_capacity_share}}},
                  {"imported_cap",
                   {{"share", r.cap_fleet},
                    {"devices", r.cap_devices},
                    {"peak_devices", r.peak_imported_devices},
                    {"peak_at", r.peak_at},
                    {"within", r.within_cap}}},
                  {"runs", r.runs},
                  {"untyped_runs", r.untyped_runs}};
  return j.dump(1) + "\n";
}

}  // namespace suanli::bridge::slurm
