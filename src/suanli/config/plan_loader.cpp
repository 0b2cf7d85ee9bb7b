#include "suanli/config/plan_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/config/yaml_reader.h"
#include "suanli/data/embedded.h"

namespace suanli::config {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).string();
}

double share(const YamlReader& r, const Node& map, const char* key, double current) {
  const auto v = r.optional_number(map, key);
  if (!v) return current;
  if (*v < 0 || *v > 1) r.fail(map[key], fmt::format("{}: found {}, expected a share between 0 and 1", key, *v));
  return *v;
}

double non_negative(const YamlReader& r, const Node& map, const char* key, double current) {
  const auto v = r.optional_number(map, key);
  if (!v) return current;
  if (*v < 0) r.fail(map[key], fmt::format("{}: found {}, expected a number of zero or more", key, *v));
  return *v;
}

Seconds date(const YamlReader& r, const Node& map, const char* key) {
  const std::string text = r.text(map, key);
  if (auto t = parse_time(text)) return *t;
  r.fail(map[key], fmt::format("{}: found '{}', expected a date yyyy-mm-dd", key, text));
}

Seconds duration(const YamlReader& r, const Node& node, std::string_view what) {
  const std::string text = r.as_text(node, what);
  const auto d = parse_duration(text);
  if (!d || *d <= 0) r.fail(node, fmt::format("{}: found '{}', expected a duration above zero such as 90d or 2w", what, text));
  return *d;
}

const Accelerator& accelerator_at(const YamlReader& r, const Catalog& catalog, const Node& map) {
  const Node node = map["accelerator"];
  const std::string id = r.text(map, "accelerator");
  if (const Accelerator* a = catalog.find_accelerator(id)) return *a;
  std::vector<std::string> ids;
  for (const Accelerator& a : catalog.accelerators) ids.push_back(a.id);
  const auto near = closest_names(id, ids);
  r.fail(node, fmt::format("accelerator: found '{}', expected a catalog id (`suanli catalog`){}", id,
                           near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
}

struct Price {
  double node_power_w = 0;  // 0 = not given
  double usd_per_node = 0;
  int devices_per_node = 8;
  bool estimate = true;
  std::string source;
};

std::map<std::string, Price> parse_prices(const Catalog& catalog, std::string_view text, const std::string& label) {
  YamlReader r(label, text);
  r.expect_map(r.root(), "price file");
  r.check_keys(r.root(), {"currency", "prices", "notes"});
  if (auto cur = r.optional_text(r.root(), "currency"); cur && *cur != "USD") {
    r.fail(r.root()["currency"], fmt::format("currency: found '{}', expected USD", *cur));
  }
  std::map<std::string, Price> out;
  const Node list = r.root()["prices"];
  r.expect_sequence(list, "prices");
  for (const Node& e : list.items()) {
    r.expect_map(e, "price");
    r.check_keys(e, {"accelerator", "devices_per_node", "usd_per_node", "usd_per_device", "usd_per_host",
                     "node_power_w", "power_source", "estimate", "source", "note"});
    const Accelerator& a = accelerator_at(r, catalog, e);
    Price p;
    p.devices_per_node = r.optional_integer(e, "devices_per_node").value_or(a.node_devices);
    if (p.devices_per_node <= 0) r.fail(e, "devices_per_node: expected a positive integer");
    // A node is priced whole (usd_per_node) or per device plus the host around them.
    const auto per_node = r.optional_number(e, "usd_per_node");
    const auto per_device = r.optional_number(e, "usd_per_device");
    if (per_node.has_value() == per_device.has_value()) {
      r.fail(e, "expected exactly one of usd_per_node or usd_per_device (with optional usd_per_host)");
    }
    if (per_device) {
      if (*per_device <= 0) r.fail(e["usd_per_device"], "usd_per_device: expected a price above zero");
      const double host = r.optional_number(e, "usd_per_host").value_or(0.0);
      if (host < 0) r.fail(e["usd_per_host"], "usd_per_host: expected a non-negative price");
      p.usd_per_node = *per_device * p.devices_per_node + host;
    } else {
      if (e["usd_per_host"]) r.fail(e["usd_per_host"], "usd_per_host goes with usd_per_device, not usd_per_node");
      p.usd_per_node = *per_node;
    }
    if (p.usd_per_node <= 0) r.fail(e["usd_per_node"], "usd_per_node: expected a price above zero");
    const auto est = r.optional_bool(e, "estimate");
    if (!est) r.fail(e, "missing required field 'estimate' (true unless the vendor publishes the price)");
    p.estimate = *est;
    p.source = r.text(e, "source");
    p.node_power_w = non_negative(r, e, "node_power_w", 0);
    if (p.node_power_w > 0 && !e["power_source"]) r.fail(e, "node_power_w given without power_source, expected both");
    out[a.id] = p;
  }
  return out;
}

// Whether an imported model may be bought at `when`: the latest supply event.
void availability(const Catalog& catalog, const Scenario& s, Seconds when, plan::Candidate& c) {
  Seconds best = -1;
  std::string why = fmt::format("no export licence recorded for {} by {}", c.accelerator, format_date(when));
  bool ok = false;
  for (const ExportEvent& e : catalog.export_events) {
    const auto t = parse_time(e.date);
    if (!t || *t > when || *t < best) continue;
    if (std::find(e.accelerators.begin(), e.accelerators.end(), c.accelerator) == e.accelerators.end()) continue;
    best = *t;
    ok = e.effect == "allowed" || e.effect == "licence-granted";
    why = fmt::format("catalog export event {} ({})", e.date, e.effect);
  }
  for (const Event& e : s.events) {
    if (e.kind != Event::Kind::Supply || e.at > when || e.at < best) continue;
    if (std::find(e.accelerators.begin(), e.accelerators.end(), c.accelerator) == e.accelerators.end()) continue;
    best = e.at;
    ok = e.effect == SupplyEffect::Restored;
    why = fmt::format("scenario event {} ({}): {}", format_date(e.at), name(e.effect), e.label);
  }
  c.available = ok;
  c.availability_why = why;
}

}  // namespace

std::map<std::string, Price> read_prices(const Catalog& catalog, const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError&) {
    throw InputError("", fmt::format("cannot read price file '{}'", path));
  }
  return parse_prices(catalog, text, path);
}

// The plan's scenario: the one given, or the one it names (a built-in or a file).
Scenario plan_scenario(const Catalog& catalog, const YamlReader& r, const Node& root, const std::string& base_dir,
                       const PlanSources& sources) {
  if (sources.scenario) {
    if (auto named = r.optional_text(root, "scenario"); named && *named != sources.scenario->name) {
      r.fail(root["scenario"], fmt::format("scenario: found '{}', expected '{}' (the service's) or none",
                                           *named, sources.scenario->name));
    }
    return *sources.scenario;
  }
  const std::string scenario_name = r.text(root, "scenario");
  try {
    const std::vector<std::string> names = embedded_scenario_names();
    const bool builtin = std::find(names.begin(), names.end(), scenario_name) != names.end();
    return load_scenario(catalog, builtin ? scenario_name : resolve(base_dir, scenario_name));
  } catch (const InputError& e) {
    if (!e.where().empty()) throw;
    r.fail(root["scenario"], fmt::format("scenario: {}", e.what()));
  }
}

std::map<std::string, Price> plan_prices(const Catalog& catalog, const YamlReader& r, const Node& root,
                                         const std::string& base_dir, const PlanSources& sources) {
  const auto path = r.optional_text(root, "prices");
  if (!sources.files) {
    if (path) r.fail(root["prices"], "prices: found a file name, expected none: the service reads no files (the "
                                     "built-in prices apply; give usd_per_node per candidate to override them)");
    return parse_prices(catalog, embedded::prices_yaml(), "<embedded>/prices.yaml");
  }
  if (!path) return {};
  try {
    return read_prices(catalog, resolve(base_dir, *path));
  } catch (const InputError& e) {
    if (!e.where().empty()) throw;
    r.fail(root["prices"], fmt::format("prices: {}", e.what()));
  }
}

plan::PlanProblem parse_plan(const Catalog& catalog, std::string_view yaml, const std::string& file,
                             const std::string& base_dir, const PlanSources& sources) {
  YamlReader r(file, yaml);
  const Node root = r.root();
  r.expect_map(root, "plan");
  r.check_keys(root, {"name", "description", "scenario", "purchase_date", "horizon", "prices", "budget_usd",
                      "power_cap_kw", "space_nodes", "electricity_usd_per_kwh", "pue", "host_overhead_w",
                      "domestic_share", "imported_scope", "resilience", "candidates", "demand", "notes"});
  plan::PlanProblem p;
  p.name = r.text(root, "name");
  p.description = r.optional_text(root, "description").value_or("");
  p.source = file;

  const Scenario s = plan_scenario(catalog, r, root, base_dir, sources);
  p.fleet = s.fleet;
  p.tenants = s.tenants;
  p.policy = s.policy;
  p.purchase_date = date(r, root, "purchase_date");
  // Orders of the scenario delivered by the purchase date count as existing.
  for (const Purchase& pu : s.purchases) {
    if (pu.group.join <= p.purchase_date) p.fleet.push_back(pu.group);
  }
  if (const Node h = root["horizon"]) p.horizon = duration(r, h, "horizon");
  p.budget_usd = non_negative(r, root, "budget_usd", 0);
  p.power_cap_kw = non_negative(r, root, "power_cap_kw", 0);
  p.space_nodes = r.optional_integer(root, "space_nodes").value_or(0);
  if (p.space_nodes < 0) r.fail(root["space_nodes"], fmt::format("space_nodes: found {}, expected 0 or more", p.space_nodes));
  p.electricity_usd_per_kwh = non_negative(r, root, "electricity_usd_per_kwh", p.electricity_usd_per_kwh);
  p.pue = non_negative(r, root, "pue", p.pue);
  if (p.pue < 1) r.fail(root["pue"], fmt::format("pue: found {}, expected 1 or more", p.pue));
  const double host_w = non_negative(r, root, "host_overhead_w", 3000);
  p.existing_host_overhead_w = host_w;
  p.domestic_share_target = share(r, root, "domestic_share", s.policy.domestic_target);
  p.imported_scope_cap = share(r, root, "imported_scope", s.policy.imported_cap_fleet);
  if (const Node res = root["resilience"]) {
    r.expect_map(res, "resilience");
    r.check_keys(res, {"critical", "all_demand"});
    p.resilience_critical = r.optional_bool(res, "critical").value_or(true);
    p.resilience_all = share(r, res, "all_demand", 0);
  }

  const std::map<std::string, Price> prices = plan_prices(catalog, r, root, base_dir, sources);

  const Node cands = root["candidates"];
  if (!cands) r.fail(root, "missing required field 'candidates' (the accelerator models that may be bought)");
  r.expect_sequence(cands, "candidates");
  for (const Node& e : cands.items()) {
    r.expect_map(e, "candidate");
    r.check_keys(e, {"accelerator", "devices_per_node", "usd_per_node", "price_source", "max_nodes", "lead_time",
                     "host_overhead_w", "licensed", "note"});
    const Accelerator& a = accelerator_at(r, catalog, e);
    if (std::any_of(p.candidates.begin(), p.candidates.end(), [&](const plan::Candidate& c) { return c.accelerator == a.id; })) {
      r.fail(e["accelerator"], fmt::format("accelerator: '{}' is already a candidate, expected each model once", a.id));
    }
    plan::Candidate c;
    c.accelerator = a.id;
    c.host_overhead_w = non_negative(r, e, "host_overhead_w", host_w);
    const auto price = prices.find(a.id);
    if (price != prices.end()) {
      c.usd_per_node = price->second.usd_per_node;
      c.devices_per_node = price->second.devices_per_node;
      c.price_estimate = price->second.estimate;
      c.price_source = price->second.source;
    } else {
      c.devices_per_node = a.node_devices;
    }
    if (auto v = r.optional_number(e, "usd_per_node")) {
      if (*v <= 0) r.fail(e["usd_per_node"], fmt::format("usd_per_node: found {}, expected a price above zero", *v));
      c.usd_per_node = *v;
      c.price_estimate = true;
      c.price_source = r.optional_text(e, "price_source").value_or(fmt::format("{} (plan file)", file));
    }
    if (c.usd_per_node <= 0) {
      r.fail(e, fmt::format("no price for {}: expected usd_per_node here or an entry in the price file", a.id));
    }
    if (auto v = r.optional_integer(e, "devices_per_node")) {
      if (*v <= 0) r.fail(e["devices_per_node"], fmt::format("devices_per_node: found {}, expected a positive integer", *v));
      c.devices_per_node = *v;
    }
    if (auto v = r.optional_integer(e, "max_nodes")) {
      if (*v < 0) r.fail(e["max_nodes"], fmt::format("max_nodes: found {}, expected 0 or more", *v));
      c.max_nodes = *v;
    }
    if (const Node lt = e["lead_time"]) c.lead_time = duration(r, lt, "lead_time");
    if (a.origin == Origin::Imported) {
      availability(catalog, s, p.purchase_date, c);
    } else {
      c.availability_why = "domestic";
    }
    if (auto lic = r.optional_bool(e, "licensed")) {
      c.available = *lic;
      c.availability_why = fmt::format("stated in the plan ({}: licensed: {})", r.where(e["licensed"]), *lic);
    }
    p.candidates.push_back(c);
  }

  // Power per device: the price file's node power, else the catalog's TDP.
  for (const auto& [id, price] : prices) {
    if (price.node_power_w > 0) p.device_power_w[id] = price.node_power_w / price.devices_per_node;
  }
  auto check_power = [&](const std::string& id, const Node& at, std::string_view where) {
    const Accelerator& a = catalog.accelerator(id);
    if (a.tdp_w.known() || p.device_power_w.count(a.id)) return;
    r.fail(at, fmt::format("the catalog does not know {}'s TDP ({}), expected node_power_w for it in the price file",
                           a.id, where));
  };
  for (const plan::Candidate& c : p.candidates) check_power(c.accelerator, cands, "a candidate");
  for (const NodeGroup& g : p.fleet) check_power(g.accelerator, root["scenario"], "in the scenario's fleet");

  const Node demand = root["demand"];
  if (!demand) r.fail(root, "missing required field 'demand' (work per class over the horizon)");
  r.expect_sequence(demand, "demand");
  for (const Node& e : demand.items()) {
    r.expect_map(e, "demand");
    r.check_keys(e, {"class", "tokens_per_s", "work_tokens", "within", "note"});
    const std::string cls = r.text(e, "class");
    const auto it = std::find_if(s.classes.begin(), s.classes.end(), [&](const JobClass& c) { return c.name == cls; });
    if (it == s.classes.end()) {
      std::vector<std::string> names;
      for (const JobClass& c : s.classes) names.push_back(c.name);
      const auto near = closest_names(cls, names);
      r.fail(e["class"], fmt::format("class: found '{}', expected a class of scenario '{}'{}", cls, s.name,
                                     near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
    }
    if (std::any_of(p.demand.begin(), p.demand.end(), [&](const plan::Demand& d) { return d.shape.name == cls; })) {
      r.fail(e["class"], fmt::format("class: '{}' already has a demand entry, expected each class once", cls));
    }
    plan::Demand d;
    d.shape = *it;
    if (d.shape.kind == JobKind::Serve) {
      d.tokens_per_s = r.number(e, "tokens_per_s");
      if (d.tokens_per_s <= 0) r.fail(e["tokens_per_s"], "tokens_per_s: expected a rate above zero");
      if (e["work_tokens"] || e["within"]) r.fail(e, fmt::format("class {} is a service: expected tokens_per_s, not work_tokens/within", cls));
    } else {
      if (e["tokens_per_s"]) r.fail(e["tokens_per_s"], fmt::format("class {} is {}: expected work_tokens and within, not tokens_per_s", cls, name(d.shape.kind)));
      d.work_tokens = r.number(e, "work_tokens");
      if (d.work_tokens <= 0) r.fail(e["work_tokens"], "work_tokens: expected a number above zero");
      if (!e["within"]) r.fail(e, "missing required field 'within' (deadline from the purchase date, e.g. 180d)");
      d.within = duration(r, e["within"], "within");
    }
    p.demand.push_back(d);
  }
  if (p.demand.empty()) r.fail(demand, "demand: found an empty list, expected at least one class");
  if (const Node notes = root["notes"]) {
    r.expect_sequence(notes, "notes");
    for (const Node& n : notes.items()) p.notes.push_back(r.as_text(n, "note"));
  }
  return p;
}

plan::PlanProblem load_plan(const Catalog& catalog, const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const InputError&) {
    throw InputError(path, "cannot read the plan file");
  }
  return parse_plan(catalog, text, path, fs::path(path).parent_path().string());
}

}  // namespace suanli::config
