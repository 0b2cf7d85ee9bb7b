// The domestic share measured from Slurm's own accounting (issue 10, item 4):
// device-hours per tenant (the Slurm account) and accelerator model (the
// typed GPU TRES, e.g. gres/gpu:ascend-910b3=8) from sacct's allocations,
// every run of a requeued job counted, clipped to the window.
//
// Reported against the scenario: each tenant's domestic share by
// device-hours against its target; the imported share of the fleet's
// device-hour capacity; and the imported cap checked on what Slurm actually
// ran: the most imported devices allocated at any one moment against
// cap x the fleet's devices.
//
// Pure (sacct's text in, a report out); thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"
#include "suanli/model/time.h"

namespace suanli::bridge::slurm {

// One allocation (one run of one job) from sacct.
struct SacctRun {
  std::int64_t job = 0;
  std::string account;
  std::string state;
  Seconds start = 0;
  Seconds end = -1;                 // -1: still running
  std::string accelerator;          // the typed GPU TRES ("" without one)
  int devices = 0;
  std::vector<std::string> nodes;
  std::int64_t suanli_job = 0;      // from the admin comment
};

// Parses `sacct --parsable2 --noheader` with the format SlurmCli::sacct uses
// (JobIDRaw|Account|State|Start|End|AllocTRES|NodeList|AdminComment, times
// in seconds). Lines that do not parse are skipped and counted in `skipped`.
std::vector<SacctRun> parse_sacct(const std::string& text, int* skipped = nullptr);

struct ShareRow {
  std::string tenant;
  std::string accelerator;
  std::string origin;               // domestic, imported, unknown
  int runs = 0;
  double device_hours = 0;
};

struct TenantShare {
  std::string tenant;
  double domestic_hours = 0;
  double imported_hours = 0;
  std::optional<double> share;      // domestic / all; nullopt when nothing ran
  double target = 0;
  bool known = true;                // a tenant of the scenario
};

struct ShareReport {
  Seconds since = 0;
  Seconds until = 0;
  std::vector<ShareRow> rows;       // by tenant, then model
  std::vector<TenantShare> tenants; // the scenario's, then accounts it does not know
  double domestic_hours = 0;
  double imported_hours = 0;
  std::optional<double> share;      // the fleet's domestic share
  double fleet_target = 0;
  double capacity_hours = 0;        // the fleet's devices x the window
  double imported_capacity_share = 0;  // imported device-hours / capacity
  int fleet_devices = 0;
  double cap_fleet = 1;             // the policy's imported-cap share
  double cap_devices = 0;           // cap_fleet x fleet devices
  int peak_imported_devices = 0;    // most imported devices allocated at one moment
  Seconds peak_at = 0;
  bool within_cap = true;
  int runs = 0;
  int untyped_runs = 0;             // allocations without a typed GPU (not counted)
};

// `now` bounds runs still going. The fleet's devices are the scenario's.
ShareReport share_report(const std::vector<SacctRun>& runs, const Scenario& scenario, const Catalog& catalog,
                         Seconds since, Seconds until, Seconds now);

std::string share_table(const ShareReport& r);
std::string share_csv(const ShareReport& r);
std::string share_json(const ShareReport& r);

}  // namespace suanli::bridge::slurm
