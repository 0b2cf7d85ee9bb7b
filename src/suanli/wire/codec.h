// The JSON of the live half: how jobs, nodes, tenants, export events,
// commands and decisions look on the wire (the REST API) and in the event log
// (the store). One encoding serves both, so a stored command reads back
// through the same strict decoder as a request body: field names, units and
// checks are the same everywhere (and the fuzzers cover both at once).
//
// Decoders validate against the catalog and throw InputError located by JSON
// path, saying what was found and what was expected (check_job_shape's rules
// for jobs). Encoders never fail.
//
// Job JSON (the fields of a scenario's job class, docs/api in the README):
//   {"tenant", "name", "kind", "model", "precision", "devices" | "slo":
//    {"min_tokens_per_s", "max_tpot_ms"}, "share", "share_memory_gb",
//    "work_tokens" | "duration", "stacks", "accelerators", "priority", "preemptible", "batch",
//    "input_tokens", "output_tokens", "seq_len", "global_batch", "note"}
//
// Thread-safe (no state).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/i18n/lang.h"
#include "suanli/live/command.h"
#include "suanli/model/decision.h"
#include "suanli/model/fleet.h"
#include "suanli/model/job.h"
#include "suanli/model/policy_spec.h"
#include "suanli/wire/json_reader.h"

namespace suanli::wire {

// --- encoders -------------------------------------------------------------------
Json job_shape_json(const JobClass& shape);
Json node_group_json(const NodeGroup& g);
Json tenant_json(const Tenant& t);
// Reasons are rendered under `policy`, the one they were made under, in
// English unless asked (a decision's stored JSON is English; its "why" lets
// wire::localized() render it again in either language: wire/reason_json.h).
Json verdict_json(const Verdict& v, const PolicySpec& policy, i18n::Lang lang = i18n::Lang::En);
// Node indices in decisions are shown by name through `node_name`.
Json decision_json(const Decision& d, const std::function<std::string(int)>& node_name, const PolicySpec& policy);
Json command_json(const live::Command& c);

// --- decoders ---------------------------------------------------------------------
// The job fields present in `r` over `base` (a class's shape, or defaults),
// then check_job_shape. `extra` are further keys the caller accepts and reads
// itself (e.g. "class", "external_id").
JobClass read_job_shape(const JsonReader& r, const Catalog& catalog, JobClass base,
                        std::initializer_list<std::string_view> extra = {});
// A job submission: a class of `classes` by "class" (its fields as defaults)
// or a full description; "tenant" (else `tenant`, else the class's), "external_id".
live::Command read_submit(const JsonReader& r, const Catalog& catalog, const std::vector<JobClass>& classes,
                          const std::string& tenant = "");
NodeGroup read_node_group(const JsonReader& r, const Catalog& catalog);
Tenant read_tenant(const JsonReader& r, const std::vector<std::string>& sectors);
// {"accelerators": [...], "effect": "immediate-loss", "grace": "60d", "label": "..."} into `c`.
void read_export(const JsonReader& r, const Catalog& catalog, live::Command& c);
SupplyEffect read_effect(const JsonReader& r);
// A stored command (command_json's output).
live::Command read_command(const JsonReader& r, const Catalog& catalog, const std::vector<std::string>& sectors);

}  // namespace suanli::wire
