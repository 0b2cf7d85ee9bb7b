#include "suanli/config/scenario_loader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <set>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/yaml_reader.h"
#include "suanli/model/accelerator.h"
#include "suanli/data/embedded.h"

namespace suanli::config {
namespace {

namespace fs = std::filesystem;

// Policies may derive from policies; a longer chain is almost surely a cycle.
constexpr int kMaxPolicyDepth = 8;
// Far above any device's memory, far below what MiB in an int can hold.
constexpr double kMaxShareMemoryGb = 100000;

std::string embedded_label(std::string_view kind, std::string_view name) {
  return fmt::format("<embedded>/{}/{}.yaml", kind, name);
}

std::string dir_of(const std::string& file) { return fs::path(file).parent_path().string(); }

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).string();
}

// read_file, with an unlocated error so that the caller can locate it at the
// field that named the file.
std::string read_named_file(const std::string& path, std::string_view what) {
  try {
    return read_file(path);
  } catch (const InputError&) {
    throw InputError("", fmt::format("cannot read {} '{}'", what, path));
  }
}

bool looks_like_path(const std::string& name, const std::string& base_dir) {
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) return true;
  for (std::string_view ext : {".yaml", ".yml", ".json"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  std::error_code ec;
  return fs::is_regular_file(resolve(base_dir, name), ec);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", '" : "'") + items[i] + "'";
  return out;
}

// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const auto near = closest_names(name, candidates);
  return near.empty() ? "" : fmt::format("; did you mean {}?", quoted_list(near));
}

// ---------------------------------------------------------------------------
// Scalars with units, located.

Seconds date_at(const YamlReader& r, const Node& node, std::string_view what) {
  const std::string text = r.as_text(node, what);
  if (auto t = parse_time(text)) return *t;
  r.fail(node, fmt::format("{}: found '{}', expected a date yyyy-mm-dd or a time yyyy-mm-ddThh:mm (UTC)", what, text));
}

// An end date given without a time means the end of that day, so that
// "end: 2026-12-31" includes the 31st.
Seconds end_date_at(const YamlReader& r, const Node& node, std::string_view what) {
  const Seconds t = date_at(r, node, what);
  return node.text().size() == 10 ? t + kDay : t;
}

Seconds duration_at(const YamlReader& r, const Node& node, std::string_view what, bool positive) {
  const std::string text = r.as_text(node, what);
  const auto d = parse_duration(text);
  if (!d) r.fail(node, fmt::format("{}: found '{}', expected a duration such as 90d, 12h, 30m or 2w", what, text));
  if (positive && *d <= 0) r.fail(node, fmt::format("{}: found '{}', expected a duration above zero", what, text));
  return *d;
}

double share_at(const YamlReader& r, const Node& map, const char* key, double current) {
  const auto v = r.optional_number(map, key);
  if (!v) return current;
  if (*v < 0 || *v > 1) r.fail(map[key], fmt::format("{}: found {}, expected a share between 0 and 1", key, *v));
  return *v;
}

int positive_int_at(const YamlReader& r, const Node& map, const char* key, int current) {
  const auto v = r.optional_integer(map, key);
  if (!v) return current;
  if (*v <= 0) r.fail(map[key], fmt::format("{}: found {}, expected a positive integer", key, *v));
  return *v;
}

double positive_number_at(const YamlReader& r, const Node& map, const char* key, double current) {
  const auto v = r.optional_number(map, key);
  if (!v) return current;
  if (*v <= 0) r.fail(map[key], fmt::format("{}: found {}, expected a number above zero", key, *v));
  return *v;
}

std::string sector_at(const YamlReader& r, const Node& node) {
  const std::string s = r.as_text(node, "sector");
  const auto& known = known_sectors();
  if (std::find(known.begin(), known.end(), s) != known.end()) return s;
  r.fail(node, fmt::format("sector: found '{}', expected one of {}{}", s, join(known), did_you_mean(s, known)));
}

// ---------------------------------------------------------------------------
// Policies.

PolicySpec read_policy(const YamlReader& r, const Node& node, const std::string& base_dir, int depth);

PolicySpec policy_by_name(const std::string& name, const std::string& base_dir, int depth) {
  if (depth > kMaxPolicyDepth) {
    throw InputError("", fmt::format("policy '{}': more than {} policies derive from each other; expected a chain "
                                     "without cycles",
                                     name, kMaxPolicyDepth));
  }
  for (const embedded::EmbeddedFile& f : embedded::policies()) {
    if (f.name == name) {
      YamlReader r(embedded_label("policies", f.name), f.text);
      return read_policy(r, r.root(), "", depth);
    }
  }
  if (!looks_like_path(name, base_dir)) {
    const auto names = embedded_policy_names();
    throw InputError("", fmt::format("unknown policy '{}', expected a built-in policy ({}) or a policy file path{}",
                                     name, join(names), did_you_mean(name, names)));
  }
  const std::string path = resolve(base_dir, name);
  YamlReader r(path, read_named_file(path, "policy file"));
  return read_policy(r, r.root(), dir_of(path), depth);
}

// Runs `load` (which may throw an unlocated InputError) and locates its error
// at `node`; errors already located (inside another file) pass unchanged.
template <typename Fn>
auto located(const YamlReader& r, const Node& node, std::string_view what, Fn load) {
  try {
    return load();
  } catch (const InputError& e) {
    if (!e.where().empty()) throw;
    r.fail(node, fmt::format("{}: {}", what, e.what()));
  }
}

void read_rule(const YamlReader& r, const std::string& id, const Node& rule, PolicySpec& p) {
  r.expect_map(rule, "rule " + id);
  auto reason = [&](std::string& out) {
    if (auto v = r.optional_text(rule, "reason")) {
      if (v->empty()) r.fail(rule["reason"], "reason: found an empty text, expected the one-line reason audits quote");
      out = *v;
    }
  };
  if (id == "cii-domestic-only") {
    r.check_keys(rule, {"enabled", "sectors", "reason"});
    if (auto e = r.optional_bool(rule, "enabled")) p.cii_domestic_only = *e;
    if (const Node sectors = rule["sectors"]) {
      p.critical_sectors.clear();
      if (sectors.is_scalar()) {
        p.critical_sectors.push_back(sector_at(r, sectors));
      } else {
        r.expect_sequence(sectors, "sectors");
        for (const Node& s : sectors.items()) p.critical_sectors.push_back(sector_at(r, s));
      }
    }
    reason(p.cii_reason);
  } else if (id == "gap-only") {
    r.check_keys(rule, {"enabled", "reason"});
    if (auto e = r.optional_bool(rule, "enabled")) p.gap_only = *e;
    reason(p.gap_reason);
  } else if (id == "imported-cap") {
    r.check_keys(rule, {"enabled", "fleet", "tenant", "window", "reason"});
    p.imported_cap_fleet = share_at(r, rule, "fleet", p.imported_cap_fleet);
    p.imported_cap_tenant = share_at(r, rule, "tenant", p.imported_cap_tenant);
    if (const Node w = rule["window"]) p.cap_window = duration_at(r, w, "window", true);
    if (auto e = r.optional_bool(rule, "enabled"); e && !*e) {
      p.imported_cap_fleet = 1.0;
      p.imported_cap_tenant = 1.0;
    }
    reason(p.cap_reason);
  } else {  // ported-stack
    r.check_keys(rule, {"enabled", "reason"});
    if (auto e = r.optional_bool(rule, "enabled"); e && !*e) {
      r.fail(rule["enabled"],
             "enabled: found false, expected true (ported-stack is physical: a job cannot run on a "
             "software stack it is not ported to)");
    }
    reason(p.stack_reason);
  }
}

PolicySpec read_policy(const YamlReader& r, const Node& node, const std::string& base_dir, int depth) {
  r.expect_map(node, "policy");
  r.check_keys(node, {"name", "description", "base", "rules", "domestic_target"});
  PolicySpec p;
  const Node base = node["base"];
  if (base) {
    const std::string base_name = r.as_text(base, "base");
    p = located(r, base, "base", [&] { return policy_by_name(base_name, base_dir, depth + 1); });
  }
  if (auto n = r.optional_text(node, "name")) {
    p.name = *n;
  } else if (base) {
    p.name += " (modified)";
  } else {
    r.fail(node, "missing required field 'name' (or 'base' naming the policy this one derives from)");
  }
  if (const Node rules = node["rules"]) {
    r.expect_map(rules, "rules");
    static const std::vector<std::string> kRules = {"cii-domestic-only", "gap-only", "imported-cap", "ported-stack"};
    for (const yaml::Entry& e : rules.entries()) {
      const std::string& id = e.key.text();
      if (std::find(kRules.begin(), kRules.end(), id) == kRules.end()) {
        r.fail(e.key,
               fmt::format("unknown rule '{}', expected one of {}{}", id, join(kRules), did_you_mean(id, kRules)));
      }
      read_rule(r, id, e.value, p);
    }
  }
  p.domestic_target = share_at(r, node, "domestic_target", p.domestic_target);
  p.source = node.same_node(r.root()) ? r.file() : r.where(node) + " (inline)";
  return p;
}

// ---------------------------------------------------------------------------
// Scenarios.

// What parsing one scenario needs besides the reader: the catalog, the
// scenario built so far (period, tenants, groups, classes) and where each
// name was first defined (for duplicate errors).
struct Context {
  const Catalog& catalog;
  std::string base_dir;
  Scenario& s;
  std::string period_text;                                           // "2025-10-01 to 2026-12-31", for messages
  std::vector<std::string> stacks;                                   // software stacks of catalog accelerators
  std::map<std::string, std::string> tenant_at, group_at, class_at;  // name -> "file:line"
};

std::string accelerator_at(const Context& c, const YamlReader& r, const Node& node) {
  const std::string name = r.as_text(node, "accelerator");
  return located(r, node, "accelerator", [&] { return c.catalog.accelerator(name, "").id; });
}

void inside_period(const Context& c, const YamlReader& r, const Node& node, std::string_view what, Seconds t) {
  if (t < c.s.start || t > c.s.end) {
    r.fail(node, fmt::format("{}: found {}, expected a time inside the period {}", what, node.text(), c.period_text));
  }
}

void unique(const YamlReader& r, const Node& node, std::map<std::string, std::string>& seen,
            std::string_view kind, const std::string& name) {
  auto [it, fresh] = seen.emplace(name, r.where(node));
  if (!fresh)
    r.fail(node, fmt::format("{} '{}' is defined twice (first at {}), expected unique names", kind, name, it->second));
}

const Tenant& tenant_named(const Context& c, const YamlReader& r, const Node& node) {
  const std::string name = r.as_text(node, "tenant");
  for (const Tenant& t : c.s.tenants) {
    if (t.name == name) return t;
  }
  std::vector<std::string> names;
  for (const Tenant& t : c.s.tenants) names.push_back(t.name);
  r.fail(node, fmt::format("tenant: found '{}', expected a tenant defined under 'tenants' ({}){}", name,
                           names.empty() ? "none defined" : join(names), did_you_mean(name, names)));
}

void read_tenant(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "tenant");
  r.check_keys(node, {"name", "sector", "priority", "quota_devices", "domestic_target", "note"});
  Tenant t;
  t.name = r.text(node, "name");
  unique(r, node["name"], c.tenant_at, "tenant", t.name);
  if (!node["sector"]) r.fail(node, "missing required field 'sector'");
  t.sector = sector_at(r, node["sector"]);
  if (auto v = r.optional_integer(node, "priority")) t.priority = *v;
  if (auto v = r.optional_integer(node, "quota_devices")) {
    if (*v < 0)
      r.fail(node["quota_devices"],
             fmt::format("quota_devices: found {}, expected 0 (no quota) or a positive integer", *v));
    t.quota_devices = *v;
  }
  t.domestic_target = share_at(r, node, "domestic_target", t.domestic_target);
  if (auto v = r.optional_text(node, "note")) t.note = *v;
  c.s.tenants.push_back(std::move(t));
}

// The fields a fleet group and a purchase share.
NodeGroup read_group(Context& c, const YamlReader& r, const Node& node) {
  NodeGroup g;
  g.id = r.text(node, "id");
  unique(r, node["id"], c.group_at, "node group", g.id);
  if (!node["accelerator"]) r.fail(node, "missing required field 'accelerator'");
  g.accelerator = accelerator_at(c, r, node["accelerator"]);
  g.count = r.integer(node, "nodes");
  if (g.count <= 0) r.fail(node["nodes"], fmt::format("nodes: found {}, expected a positive integer", g.count));
  g.devices_per_node = c.catalog.accelerator(g.accelerator).node_devices;
  if (auto v = r.optional_integer(node, "devices_per_node")) {
    if (*v != 1 && *v != 2 && *v != 4 && *v != 8 && *v != 16) {
      r.fail(node["devices_per_node"], fmt::format("devices_per_node: found {}, expected 1, 2, 4, 8 or 16", *v));
    }
    g.devices_per_node = *v;
  }
  if (auto v = r.optional_text(node, "zone")) g.zone = *v;
  if (auto v = r.optional_text(node, "domain")) g.domain = *v;
  if (auto v = r.optional_text(node, "note")) g.note = *v;
  return g;
}

void read_retire(const YamlReader& r, const Node& node, NodeGroup& g) {
  if (const Node retire = node["retire"]) {
    g.retire = date_at(r, retire, "retire");
    if (*g.retire <= g.join) {
      r.fail(retire, fmt::format("retire: found {}, expected a date after the group joins ({})", retire.text(),
                                 format_date(g.join)));
    }
  }
}

void read_fleet_group(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "fleet group");
  r.check_keys(node, {"id", "accelerator", "nodes", "devices_per_node", "zone", "domain", "join", "retire", "note"});
  NodeGroup g = read_group(c, r, node);
  g.join = c.s.start;
  if (const Node join = node["join"]) {
    g.join = date_at(r, join, "join");
    if (g.join > c.s.end) {
      r.fail(join, fmt::format("join: found {}, expected a date on or before the period end (for nodes that arrive "
                               "later, use 'purchases')",
                               join.text()));
    }
  }
  read_retire(r, node, g);
  c.s.fleet.push_back(std::move(g));
}

void read_purchase(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "purchase");
  r.check_keys(node, {"id", "accelerator", "nodes", "devices_per_node", "zone", "domain", "ordered", "lead_time",
                      "retire", "note"});
  Purchase p;
  p.group = read_group(c, r, node);
  if (!node["ordered"]) r.fail(node, "missing required field 'ordered' (the order date)");
  p.ordered = date_at(r, node["ordered"], "ordered");
  if (p.ordered > c.s.end) {
    r.fail(node["ordered"], fmt::format("ordered: found {}, expected a date on or before the period end ({})",
                                        node["ordered"].text(), c.period_text));
  }
  if (!node["lead_time"]) r.fail(node, "missing required field 'lead_time' (e.g. 90d from order to delivery)");
  p.group.join = p.ordered + duration_at(r, node["lead_time"], "lead_time", false);
  read_retire(r, node, p.group);
  p.note = p.group.note;
  c.s.purchases.push_back(std::move(p));
}

// Reads the fields of `node` that a job class and a job override share, into
// `jc`; fields not present keep their value.
void read_shape(const Context& c, const YamlReader& r, const Node& node, JobClass& jc) {
  if (const Node m = node["model"]) {
    const std::string name = r.as_text(m, "model");
    jc.model = located(r, m, "model", [&] { return c.catalog.model(name, "").id; });
  }
  if (const Node p = node["precision"]) {
    const std::string text = r.as_text(p, "precision");
    const auto parsed = parse_precision(text);
    if (!parsed) r.fail(p, fmt::format("precision: found '{}', expected bf16, fp8, int8 or fp4", text));
    jc.precision = *parsed;
  }
  if (auto v = r.optional_integer(node, "devices")) {
    if (*v <= 0 || (*v != 1 && *v != 2 && *v != 4 && *v % 8 != 0)) {
      r.fail(node["devices"], fmt::format("devices: found {}, expected 1, 2, 4 or a multiple of 8 (omit it and give "
                                          "an slo to let the performance model size the job)",
                                          *v));
    }
    jc.devices = *v;
  }
  // A share of one device: `share` in (0, 1) in steps of 0.001 (milli-units),
  // `share_memory_gb` its device memory (default: the same share of it).
  if (const auto v = r.optional_number(node, "share")) {
    const double milli = *v * 1000.0;
    if (!(*v > 0 && *v < 1) || std::abs(milli - std::round(milli)) > 1e-6) {
      r.fail(node["share"], fmt::format("share: found {}, expected a fraction of one device above 0 and below 1, in "
                                        "steps of 0.001 (e.g. 0.25)",
                                        *v));
    }
    jc.share_milli = static_cast<int>(std::lround(milli));
  }
  if (const auto v = r.optional_number(node, "share_memory_gb")) {
    if (*v <= 0 || *v > kMaxShareMemoryGb) {
      r.fail(node["share_memory_gb"], fmt::format("share_memory_gb: found {}, expected a number above zero and at most "
                                                  "{} (GB of one device)",
                                                  *v, kMaxShareMemoryGb));
    }
    jc.share_memory_mib = mib_from_gb(*v);
  }
  if (const Node slo = node["slo"]) {
    r.expect_map(slo, "slo");
    r.check_keys(slo, {"min_tokens_per_s", "max_tpot_ms", "max_ttft_ms"});
    for (const char* key : {"min_tokens_per_s", "max_tpot_ms", "max_ttft_ms"}) {
      if (auto v = r.optional_number(slo, key); v && *v < 0) {
        r.fail(slo[key], fmt::format("{}: found {}, expected a non-negative number (0 = not constrained)", key, *v));
      }
    }
    jc.slo.min_tokens_per_s = r.optional_number(slo, "min_tokens_per_s").value_or(0.0);
    jc.slo.max_tpot_ms = r.optional_number(slo, "max_tpot_ms").value_or(0.0);
    jc.slo.max_ttft_ms = r.optional_number(slo, "max_ttft_ms").value_or(0.0);
    if (jc.slo.min_tokens_per_s <= 0 && jc.slo.max_tpot_ms <= 0 && jc.slo.max_ttft_ms <= 0) {
      r.fail(slo, "slo: found no constraint, expected min_tokens_per_s, max_tpot_ms or max_ttft_ms above zero");
    }
  }
  jc.work_tokens = positive_number_at(r, node, "work_tokens", jc.work_tokens);
  if (const Node d = node["duration"]) jc.duration = duration_at(r, d, "duration", true);
  if (const Node st = node["stacks"]) {
    const std::vector<std::string> stacks = r.strings(node, "stacks");
    if (stacks.empty()) r.fail(st, "stacks: found an empty list, expected the software stacks the job is ported to");
    for (std::size_t i = 0; i < stacks.size(); ++i) {
      if (std::find(c.stacks.begin(), c.stacks.end(), stacks[i]) == c.stacks.end()) {
        const Node at = st.is_sequence() ? st[i] : st;
        r.fail(at, fmt::format("stacks: found '{}', expected a software stack of a catalog accelerator ({}){}",
                               stacks[i], join(c.stacks), did_you_mean(stacks[i], c.stacks)));
      }
    }
    jc.stacks = stacks;
  }
  if (auto v = r.optional_integer(node, "priority")) jc.priority = *v;
  if (auto v = r.optional_bool(node, "preemptible")) jc.preemptible = *v;
  jc.batch = positive_int_at(r, node, "batch", jc.batch);
  jc.input_tokens = positive_int_at(r, node, "input_tokens", jc.input_tokens);
  jc.output_tokens = positive_int_at(r, node, "output_tokens", jc.output_tokens);
  jc.seq_len = positive_int_at(r, node, "seq_len", jc.seq_len);
  jc.global_batch = positive_int_at(r, node, "global_batch", jc.global_batch);
  if (auto v = r.optional_text(node, "note")) jc.note = *v;
}

// Checks that a class (or a job after its overrides) describes runnable work.
// Errors point at the field when one is present, else at the map `node`.
void check_shape(const Context& c, const YamlReader& r, const Node& node, const JobClass& jc,
                 std::string_view what) {
  auto at = [&](const char* key) { return node[key] ? node[key] : node; };
  const bool serve = jc.kind == JobKind::Serve;
  const bool training = jc.kind == JobKind::Train || jc.kind == JobKind::Finetune;
  if (jc.model.empty()) r.fail(node, fmt::format("{}: missing required field 'model'", what));
  if (jc.stacks.empty()) r.fail(node, fmt::format("{}: missing required field 'stacks' (e.g. [cann, cuda])", what));
  if (serve && jc.duration <= 0) {
    r.fail(node, fmt::format("{}: a serve class needs 'duration' above zero (how long the service runs)", what));
  }
  if (!serve && jc.work_tokens <= 0) {
    r.fail(node, fmt::format("{}: a {} class needs 'work_tokens' above zero (tokens to process)", what, name(jc.kind)));
  }
  if (serve && node["work_tokens"]) {
    r.fail(node["work_tokens"], "work_tokens: found on a serve class, expected 'duration' (a service runs for a time)");
  }
  if (!serve && node["duration"]) {
    r.fail(node["duration"], fmt::format("duration: found on a {} class, expected 'work_tokens' (it runs until its "
                                         "work is done)",
                                         name(jc.kind)));
  }
  if (jc.fractional() && jc.devices > 1) {
    r.fail(at("devices"), fmt::format("devices: found {} with share {:g}, expected 1 or no devices (a share is a "
                                      "fraction of one device)",
                                      jc.devices, jc.share_milli / 1000.0));
  }
  if (!jc.fractional() && jc.share_memory_mib > 0) {
    r.fail(at("share_memory_gb"), "share_memory_gb: found without 'share', expected it only with a share of one device");
  }
  if (jc.devices <= 0 && !jc.fractional() && jc.slo.min_tokens_per_s <= 0 && jc.slo.max_tpot_ms <= 0) {
    r.fail(node, fmt::format("{}: found neither 'devices' nor 'slo', expected one (devices to request, or a "
                             "service-level objective the performance model sizes the job for)",
                             what));
  }
  if (training && jc.precision != Precision::BF16 && jc.precision != Precision::FP8) {
    r.fail(at("precision"), fmt::format("precision: found {} on a {} class, expected bf16 or fp8 (training is modelled "
                                        "in mixed precision)",
                                        name(jc.precision), name(jc.kind)));
  }
  const ModelSpec& m = c.catalog.model(jc.model);
  if (m.max_context > 0) {
    if (training && jc.seq_len > m.max_context) {
      r.fail(at("seq_len"), fmt::format("seq_len: found {}, expected at most {}'s context of {} tokens", jc.seq_len,
                                        m.id, m.max_context));
    }
    const long ctx = static_cast<long>(jc.input_tokens) + jc.output_tokens;
    if (!training && ctx > m.max_context) {
      r.fail(at("input_tokens"), fmt::format("input_tokens + output_tokens: found {}, expected at most {}'s context "
                                             "of {} tokens",
                                             ctx, m.id, m.max_context));
    }
  }
}

void read_arrivals(Context& c, const YamlReader& r, const Node& node, int cls) {
  r.expect_map(node, "arrivals");
  r.check_keys(node, {"per_day", "start", "end", "size_jitter"});
  ArrivalProcess a;
  a.cls = cls;
  a.per_day = r.number(node, "per_day");
  if (a.per_day <= 0 || a.per_day > 1e5) {
    r.fail(node["per_day"], fmt::format("per_day: found {}, expected a rate above 0 and at most 100000", a.per_day));
  }
  a.start = c.s.start;
  a.end = c.s.end;
  if (const Node st = node["start"]) {
    a.start = date_at(r, st, "start");
    inside_period(c, r, st, "start", a.start);
  }
  if (const Node en = node["end"]) {
    a.end = std::min(end_date_at(r, en, "end"), c.s.end);
    inside_period(c, r, en, "end", date_at(r, en, "end"));
  }
  if (a.end <= a.start) {
    r.fail(node, fmt::format("arrivals: end {} is not after start {}, expected a window of positive length",
                             format_time(a.end), format_time(a.start)));
  }
  const double j = r.optional_number(node, "size_jitter").value_or(0.0);
  if (j < 0 || j >= 1)
    r.fail(node["size_jitter"], fmt::format("size_jitter: found {}, expected a fraction in [0, 1)", j));
  a.size_jitter = j;
  c.s.arrivals.push_back(a);
}

void read_class(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "job class");
  r.check_keys(node, {"name", "tenant", "kind", "model", "precision", "devices", "share", "share_memory_gb", "slo",
                      "work_tokens", "duration", "stacks", "priority", "preemptible", "batch", "input_tokens", "output_tokens", "seq_len",
                      "global_batch", "arrivals", "note"});
  JobClass jc;
  jc.name = r.text(node, "name");
  unique(r, node["name"], c.class_at, "job class", jc.name);
  if (!node["tenant"]) r.fail(node, "missing required field 'tenant'");
  jc.tenant = tenant_named(c, r, node["tenant"]).name;
  const std::string kind = r.text(node, "kind");
  const auto k = parse_job_kind(kind);
  if (!k) r.fail(node["kind"], fmt::format("kind: found '{}', expected train, finetune, serve or batch-infer", kind));
  jc.kind = *k;
  read_shape(c, r, node, jc);
  check_shape(c, r, node, jc, "class '" + jc.name + "'");
  const int cls = static_cast<int>(c.s.classes.size());
  c.s.classes.push_back(std::move(jc));
  if (const Node arrivals = node["arrivals"]) read_arrivals(c, r, arrivals, cls);
}

void read_job(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "job");
  r.check_keys(
      node, {"class", "arrival", "model", "precision", "devices", "share", "share_memory_gb", "slo", "work_tokens",
             "duration", "stacks",
             "priority", "preemptible", "batch", "input_tokens", "output_tokens", "seq_len", "global_batch", "note"});
  const std::string cls_name = r.text(node, "class");
  int cls = -1;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < c.s.classes.size(); ++i) {
    names.push_back(c.s.classes[i].name);
    if (c.s.classes[i].name == cls_name) cls = static_cast<int>(i);
  }
  if (cls < 0) {
    r.fail(node["class"],
           fmt::format("class: found '{}', expected a job class defined under 'classes' ({}){}", cls_name,
                       names.empty() ? "none defined" : join(names), did_you_mean(cls_name, names)));
  }
  Job job;
  job.id = static_cast<std::int64_t>(c.s.jobs.size()) + 1;
  job.cls = cls;
  job.shape = c.s.classes[static_cast<std::size_t>(cls)];
  if (!node["arrival"]) r.fail(node, "missing required field 'arrival'");
  job.arrival = date_at(r, node["arrival"], "arrival");
  inside_period(c, r, node["arrival"], "arrival", job.arrival);
  read_shape(c, r, node, job.shape);
  check_shape(c, r, node, job.shape, fmt::format("job {} (class '{}')", job.id, cls_name));
  c.s.jobs.push_back(std::move(job));
}

void read_jobs(Context& c, const YamlReader& r, const Node& list) {
  r.expect_sequence(list, "jobs");
  for (const Node& node : list.items()) read_job(c, r, node);
}

void read_event(Context& c, const YamlReader& r, const Node& node) {
  r.expect_map(node, "event");
  r.check_keys(node, {"at", "supply", "accelerators", "grace", "fail", "label"});
  Event e;
  if (!node["at"]) r.fail(node, "missing required field 'at'");
  e.at = date_at(r, node["at"], "at");
  inside_period(c, r, node["at"], "at", e.at);
  if (auto v = r.optional_text(node, "label")) e.label = *v;
  const Node supply = node["supply"];
  const Node fail = node["fail"];
  if (static_cast<bool>(supply) == static_cast<bool>(fail)) {
    r.fail(node, "event: expected exactly one of 'supply' (an export-policy change) or 'fail' (nodes leaving)");
  }
  if (supply) {
    e.kind = Event::Kind::Supply;
    const std::string text = r.as_text(supply, "supply");
    bool found = false;
    for (SupplyEffect effect :
         {SupplyEffect::NoNewSupply, SupplyEffect::NoSupport, SupplyEffect::ImmediateLoss, SupplyEffect::Restored}) {
      if (name(effect) == text) {
        e.effect = effect;
        found = true;
      }
    }
    if (!found) {
      r.fail(supply,
             fmt::format("supply: found '{}', expected no-new-supply, no-support, immediate-loss or restored", text));
    }
    const Node accs = node["accelerators"];
    if (!accs) r.fail(node, "missing required field 'accelerators' (the chip models the change applies to)");
    if (accs.is_scalar()) {
      e.accelerators.push_back(accelerator_at(c, r, accs));
    } else {
      r.expect_sequence(accs, "accelerators");
      for (const Node& a : accs.items()) e.accelerators.push_back(accelerator_at(c, r, a));
      if (e.accelerators.empty()) r.fail(accs, "accelerators: found an empty list, expected at least one chip model");
    }
    if (const Node grace = node["grace"]) {
      if (e.effect != SupplyEffect::NoSupport) {
        r.fail(grace, fmt::format("grace: found on a '{}' event, expected it only with supply: no-support", text));
      }
      e.grace = duration_at(r, grace, "grace", false);
    }
  } else {
    e.kind = Event::Kind::NodesLeave;
    for (const char* key : {"accelerators", "grace"}) {
      if (node[key]) r.fail(node[key], fmt::format("{}: found on a 'fail' event, expected it only with 'supply'", key));
    }
    r.expect_map(fail, "fail");
    r.check_keys(fail, {"group", "nodes"});
    const std::string group = r.text(fail, "group");
    const NodeGroup* g = nullptr;
    std::vector<std::string> ids;
    auto consider = [&](const NodeGroup& candidate) {
      ids.push_back(candidate.id);
      if (candidate.id == group) g = &candidate;
    };
    for (const NodeGroup& f : c.s.fleet) consider(f);
    for (const Purchase& p : c.s.purchases) consider(p.group);
    if (!g) {
      r.fail(fail["group"], fmt::format("group: found '{}', expected a node group id from 'fleet' or 'purchases' "
                                        "({}){}",
                                        group, join(ids), did_you_mean(group, ids)));
    }
    e.group.id = g->id;
    e.group.accelerator = g->accelerator;
    e.group.count = r.integer(fail, "nodes");
    if (e.group.count <= 0 || e.group.count > g->count) {
      r.fail(fail["nodes"], fmt::format("nodes: found {}, expected 1 to {} (the nodes in group '{}')", e.group.count,
                                        g->count, g->id));
    }
  }
  c.s.events.push_back(std::move(e));
}

std::uint64_t seed_at(const YamlReader& r, const Node& node) {
  const std::string text = r.as_text(node, "seed");
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    r.fail(node, fmt::format("seed: found '{}', expected a non-negative integer", text));
  }
  return v;
}

template <typename Fn>
void each(const YamlReader& r, const Node& root, const char* key, Fn fn) {
  const Node list = root[key];
  if (!list || list.is_null()) return;
  r.expect_sequence(list, key);
  for (const Node& node : list.items()) fn(node);
}

}  // namespace

const std::vector<std::string>& known_sectors() {
  static const std::vector<std::string> kSectors = {"telecom",    "energy",        "finance",   "transport",
                                                    "government", "internet",      "education", "research",
                                                    "healthcare", "manufacturing", "media",     "other"};
  return kSectors;
}

std::vector<std::string> embedded_scenario_names() {
  std::vector<std::string> out;
  for (const embedded::EmbeddedFile& f : embedded::scenarios()) out.emplace_back(f.name);
  return out;
}

std::vector<std::string> embedded_policy_names() {
  std::vector<std::string> out;
  for (const embedded::EmbeddedFile& f : embedded::policies()) out.emplace_back(f.name);
  return out;
}

PolicySpec parse_policy(std::string_view yaml, const std::string& file) {
  YamlReader r(file, yaml);
  return read_policy(r, r.root(), dir_of(file), 0);
}

PolicySpec load_policy(std::string_view name_or_path) { return policy_by_name(std::string(name_or_path), "", 0); }

Scenario parse_scenario(const Catalog& catalog, std::string_view yaml, const std::string& file,
                        const std::string& base_dir) {
  YamlReader r(file, yaml);
  const Node& root = r.root();
  r.expect_map(root, "scenario");
  r.check_keys(root, {"name", "description", "period", "seed", "sample_interval", "scheduler", "policy", "tenants",
                      "fleet", "purchases", "classes", "jobs", "jobs_file", "events", "notes"});
  Scenario s;
  Context c{catalog, base_dir, s, {}, {}, {}, {}, {}};
  for (const Accelerator& a : catalog.accelerators) {
    if (!a.stack.empty() && std::find(c.stacks.begin(), c.stacks.end(), a.stack) == c.stacks.end()) {
      c.stacks.push_back(a.stack);
    }
  }
  s.source = file;
  s.name = r.text(root, "name");
  if (auto v = r.optional_text(root, "description")) s.description = *v;

  const Node period = root["period"];
  if (!period) r.fail(root, "missing required field 'period' ({start: yyyy-mm-dd, end: yyyy-mm-dd})");
  r.expect_map(period, "period");
  r.check_keys(period, {"start", "end"});
  if (!period["start"] || !period["end"]) r.fail(period, "period: expected both 'start' and 'end'");
  s.start = date_at(r, period["start"], "start");
  s.end = end_date_at(r, period["end"], "end");
  if (date_at(r, period["end"], "end") <= s.start) {
    r.fail(period["end"], fmt::format("end: found {}, expected a date after the start {}", period["end"].text(),
                                      period["start"].text()));
  }
  c.period_text = fmt::format("{} to {}", period["start"].text(), period["end"].text());

  if (const Node v = root["seed"]) s.seed = seed_at(r, v);
  if (const Node v = root["sample_interval"]) s.sample_interval = duration_at(r, v, "sample_interval", true);
  if (const Node sched = root["scheduler"]) {
    r.expect_map(sched, "scheduler");
    r.check_keys(sched, {"preemption", "checkpoint_interval"});
    if (auto v = r.optional_bool(sched, "preemption")) s.preemption = *v;
    if (const Node v = sched["checkpoint_interval"]) {
      s.checkpoint_interval = duration_at(r, v, "checkpoint_interval", true);
    }
  }

  if (const Node policy = root["policy"]) {
    if (policy.is_map()) {
      s.policy = read_policy(r, policy, base_dir, 0);
    } else {
      const std::string name = r.as_text(policy, "policy");
      s.policy = located(r, policy, "policy", [&] { return policy_by_name(name, base_dir, 0); });
    }
  } else {
    s.policy = load_policy("seed");
  }

  each(r, root, "tenants", [&](const Node& n) { read_tenant(c, r, n); });
  each(r, root, "fleet", [&](const Node& n) { read_fleet_group(c, r, n); });
  each(r, root, "purchases", [&](const Node& n) { read_purchase(c, r, n); });
  if (s.fleet.empty() && s.purchases.empty()) {
    r.fail(root, "found no nodes, expected at least one group under 'fleet' or 'purchases'");
  }
  each(r, root, "classes", [&](const Node& n) { read_class(c, r, n); });
  each(r, root, "jobs", [&](const Node& n) { read_job(c, r, n); });
  if (const Node jf = root["jobs_file"]) {
    const std::string path = resolve(base_dir, r.as_text(jf, "jobs_file"));
    const std::string text = located(r, jf, "jobs_file", [&] { return read_named_file(path, "jobs file"); });
    YamlReader jr(path, text);
    jr.expect_map(jr.root(), "jobs file");
    jr.check_keys(jr.root(), {"jobs"});
    if (!jr.root()["jobs"]) jr.fail(jr.root(), "missing required field 'jobs' (a list of jobs)");
    read_jobs(c, jr, jr.root()["jobs"]);
  }
  each(r, root, "events", [&](const Node& n) { read_event(c, r, n); });
  if (const Node notes = root["notes"]) s.notes = r.strings(root, "notes");
  return s;
}

Scenario load_scenario(const Catalog& catalog, const std::string& name_or_path) {
  for (const embedded::EmbeddedFile& f : embedded::scenarios()) {
    if (f.name == name_or_path) return parse_scenario(catalog, f.text, embedded_label("scenarios", f.name), "");
  }
  if (!looks_like_path(name_or_path, "")) {
    const auto names = embedded_scenario_names();
    throw InputError("", fmt::format("unknown scenario '{}', expected a built-in scenario ({}) or a scenario file "
                                     "path{}",
                                     name_or_path, join(names), did_you_mean(name_or_path, names)));
  }
  return parse_scenario(catalog, read_named_file(name_or_path, "scenario file"), name_or_path, dir_of(name_or_path));
}

}  // namespace suanli::config
