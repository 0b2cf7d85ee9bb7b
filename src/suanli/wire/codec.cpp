#include "suanli/wire/codec.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "suanli/catalog/job_shape.h"
#include "suanli/policy/reason_text.h"
#include "suanli/wire/reason_json.h"

namespace suanli::wire {

// --- encoders -----------------------------------------------------------------------

Json job_shape_json(const JobClass& s) {
  Json j = {{"tenant", s.tenant},
            {"name", s.name},
            {"kind", name(s.kind)},
            {"model", s.model},
            {"precision", name(s.precision)},
            {"stacks", s.stacks},
            {"priority", s.priority},
            {"preemptible", s.preemptible},
            {"batch", s.batch},
            {"input_tokens", s.input_tokens},
            {"output_tokens", s.output_tokens},
            {"seq_len", s.seq_len},
            {"global_batch", s.global_batch}};
  if (s.devices > 0) j["devices"] = s.devices;
  if (!s.accelerators.empty()) j["accelerators"] = s.accelerators;
  if (s.share_milli > 0) j["share"] = s.share_milli / 1000.0;
  if (s.share_memory_mib > 0) j["share_memory_gb"] = gb_from_mib(s.share_memory_mib);
  if (s.slo.min_tokens_per_s > 0 || s.slo.max_tpot_ms > 0) {
    Json slo = Json::object();
    if (s.slo.min_tokens_per_s > 0) slo["min_tokens_per_s"] = s.slo.min_tokens_per_s;
    if (s.slo.max_tpot_ms > 0) slo["max_tpot_ms"] = s.slo.max_tpot_ms;
    j["slo"] = slo;
  }
  if (s.kind == JobKind::Serve) {
    j["duration"] = s.duration;
  } else {
    j["work_tokens"] = s.work_tokens;
  }
  if (!s.note.empty()) j["note"] = s.note;
  return j;
}

Json node_group_json(const NodeGroup& g) {
  Json j = {{"id", g.id},         {"accelerator", g.accelerator}, {"count", g.count},
            {"devices_per_node", g.devices_per_node}, {"zone", g.zone},  {"domain", g.domain}};
  if (!g.note.empty()) j["note"] = g.note;
  return j;
}

Json tenant_json(const Tenant& t) {
  Json j = {{"name", t.name},
            {"sector", t.sector},
            {"priority", t.priority},
            {"quota_devices", t.quota_devices},
            {"domestic_target", t.domestic_target}};
  if (!t.note.empty()) j["note"] = t.note;
  return j;
}

Json verdict_json(const Verdict& v, const PolicySpec& policy, i18n::Lang lang) {
  Json j = {{"accelerator", v.accelerator}, {"allowed", v.allowed}, {"reason", render(v, policy, lang)}};
  if (!v.rule.empty()) j["rule"] = std::string(v.rule);
  j["why"] = why_json(v);
  return j;
}

Json decision_json(const Decision& d, const std::function<std::string(int)>& node_name, const PolicySpec& policy) {
  Json j = {{"kind", name(d.kind)}, {"job", d.job}, {"at", d.at}, {"reason", english(d, policy)}, {"why", why_json(d)}};
  if (!d.accelerator.empty()) j["accelerator"] = d.accelerator;
  if (!d.nodes.empty()) {
    Json nodes = Json::array();
    for (const NodeShare& s : d.nodes) {
      Json n = {{"node", node_name(s.node)}};
      if (s.fractional()) {
        n["device"] = s.device;
        n["share"] = s.milli / 1000.0;
        n["memory_gb"] = gb_from_mib(s.mem_mib);
      } else {
        n["devices"] = s.devices;
      }
      nodes.push_back(std::move(n));
    }
    j["nodes"] = std::move(nodes);
  }
  if (d.kind == Decision::Kind::Place) {
    j["epoch"] = d.epoch;
    j["tokens_per_s"] = d.tokens_per_s;
    j["expected_runtime"] = d.expected_runtime;
    if (d.violation) j["violation"] = true;
  } else if (d.kind == Decision::Kind::Preempt) {
    j["epoch"] = d.epoch;
  }
  if (!d.verdicts.empty()) {
    Json vs = Json::array();
    for (const Verdict& v : d.verdicts) vs.push_back(verdict_json(v, policy));
    j["verdicts"] = std::move(vs);
  }
  return j;
}

Json command_json(const live::Command& c) {
  using K = live::Command::Kind;
  Json j = {{"kind", live::name(c.kind)}};
  if (!c.actor.empty()) j["actor"] = c.actor;
  switch (c.kind) {
    case K::Submit:
      j["job"] = job_shape_json(c.shape);
      if (!c.class_name.empty()) j["class"] = c.class_name;
      if (!c.external_id.empty()) j["external_id"] = c.external_id;
      if (!c.node.empty()) j["node"] = c.node;
      break;
    case K::Cancel:
    case K::Link: j["job"] = c.job; break;
    case K::Started:
    case K::Finished:
    case K::Failed:
      j["job"] = c.job;
      j["epoch"] = c.epoch;
      break;
    case K::NodesJoin: j["group"] = node_group_json(c.group); break;
    case K::NodeDrain:
    case K::NodeFail:
    case K::NodeResume: j["node"] = c.node; break;
    case K::Export:
      j["accelerators"] = c.accelerators;
      j["effect"] = name(c.effect);
      j["grace"] = c.grace;
      break;
    case K::TenantSet: j["tenant"] = tenant_json(c.tenant); break;
    case K::Timer: break;
  }
  if (!c.note.empty()) j["note"] = c.note;
  return j;
}

// --- decoders ------------------------------------------------------------------------

namespace {

template <class T>
T positive(const JsonReader& r, std::string_view key, T current) {
  if (!r.has(key)) return current;
  const JsonReader v = r.at(key);
  const std::int64_t n = v.integer("a whole number above zero");
  if (n <= 0 || n > 100'000'000) v.fail(fmt::format("found {}, expected a whole number above zero", n));
  return static_cast<T>(n);
}

void read_slo(const JsonReader& r, JobClass& jc) {
  r.expect_object({"min_tokens_per_s", "max_tpot_ms"});
  for (const char* key : {"min_tokens_per_s", "max_tpot_ms"}) {
    if (!r.has(key)) continue;
    const double v = r.at(key).number();
    if (v < 0) r.at(key).fail(fmt::format("found {}, expected a non-negative number (0 = not constrained)", v));
  }
  jc.slo.min_tokens_per_s = r.opt_number("min_tokens_per_s").value_or(0.0);
  jc.slo.max_tpot_ms = r.opt_number("max_tpot_ms").value_or(0.0);
  if (jc.slo.min_tokens_per_s <= 0 && jc.slo.max_tpot_ms <= 0) {
    r.fail("found no constraint, expected min_tokens_per_s or max_tpot_ms above zero");
  }
}

void read_share(const JsonReader& r, JobClass& jc) {
  if (r.has("share")) {
    const JsonReader v = r.at("share");
    const double share = v.number();
    const double milli = share * 1000.0;
    if (!(share > 0 && share < 1) || std::abs(milli - std::round(milli)) > 1e-6) {
      v.fail(fmt::format("found {}, expected a fraction of one device above 0 and below 1, in steps of 0.001", share));
    }
    jc.share_milli = static_cast<int>(std::lround(milli));
  }
  if (r.has("share_memory_gb")) {
    const JsonReader v = r.at("share_memory_gb");
    const double gb = v.number();
    if (gb <= 0 || gb > 1e6) v.fail(fmt::format("found {}, expected a number of GB above zero", gb));
    jc.share_memory_mib = mib_from_gb(gb);
  }
}

void read_work(const JsonReader& r, JobClass& jc) {
  if (r.has("work_tokens")) {
    const JsonReader v = r.at("work_tokens");
    const double w = v.number();
    if (!(w > 0)) v.fail(fmt::format("found {}, expected a number of tokens above zero", w));
    jc.work_tokens = w;
  }
  if (r.has("duration")) {
    const JsonReader v = r.at("duration");
    jc.duration = v.duration();
    if (jc.duration <= 0) v.fail("found a zero duration, expected how long the service runs");
  }
}

template <class Parse>
auto named(const JsonReader& v, Parse parse, std::string_view expected) {
  const std::string t = v.text();
  const auto parsed = parse(t);
  if (!parsed) v.fail(fmt::format("found \"{}\", expected {}", t, expected));
  return *parsed;
}

}  // namespace

JobClass read_job_shape(const JsonReader& r, const Catalog& catalog, JobClass jc,
                        std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> keys = {"tenant",      "name",        "kind",         "model",   "precision",
                                        "devices",     "share",       "share_memory_gb", "slo",  "work_tokens",
                                        "duration",    "stacks",      "priority",     "preemptible", "batch",
                                        "input_tokens", "output_tokens", "seq_len",   "global_batch", "note",
                                        "accelerators"};
  keys.insert(keys.end(), extra.begin(), extra.end());
  if (!r.value().is_object()) r.fail(fmt::format("found {}, expected a job description (an object)", describe(r.value())));
  for (const auto& [key, value] : r.value().items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::vector<std::string> names(keys.begin(), keys.end());
      const auto near = closest_names(key, names, 1);
      throw InputError(r.path() + "." + key, fmt::format("unknown field '{}'{}", key,
                                                         near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near.front())));
    }
  }
  if (auto v = r.opt_text("tenant")) jc.tenant = *v;
  if (auto v = r.opt_text("name")) jc.name = *v;
  if (r.has("kind")) jc.kind = named(r.at("kind"), parse_job_kind, "train, finetune, serve or batch-infer");
  if (r.has("model")) {
    const JsonReader v = r.at("model");
    const std::string m = v.text();
    const ModelSpec* spec = catalog.find_model(m);
    if (!spec) {
      std::vector<std::string> ids;
      for (const ModelSpec& s : catalog.models) ids.push_back(s.id);
      const auto near = closest_names(m, ids);
      v.fail(fmt::format("found \"{}\", expected a model of the zoo (`suanli catalog models`){}", m,
                         near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
    }
    jc.model = spec->id;
  }
  if (r.has("precision")) jc.precision = named(r.at("precision"), parse_precision, "bf16, fp8, int8 or fp4");
  if (r.has("devices")) {
    const JsonReader v = r.at("devices");
    const std::int64_t n = v.integer("a device count");
    if (n <= 0 || n > 1'000'000 || !valid_device_count(static_cast<int>(n))) {
      v.fail(fmt::format("found {}, expected 1, 2, 4 or a multiple of 8 (omit it and give an slo to let the "
                         "performance model size the job)",
                         n));
    }
    jc.devices = static_cast<int>(n);
  }
  read_share(r, jc);
  if (r.has("slo")) read_slo(r.at("slo"), jc);
  read_work(r, jc);
  if (r.has("stacks")) jc.stacks = r.at("stacks").strings("a list of software stacks");
  if (r.has("accelerators")) {
    jc.accelerators.clear();
    for (const JsonReader& a : r.at("accelerators").elements("a list of accelerator ids")) {
      const std::string id = a.text("an accelerator id");
      const Accelerator* found = catalog.find_accelerator(id);
      if (!found) {
        std::vector<std::string> ids;
        for (const Accelerator& x : catalog.accelerators) ids.push_back(x.id);
        const auto near = closest_names(id, ids);
        a.fail(fmt::format("found \"{}\", expected a catalog accelerator id{}", id,
                           near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
      }
      if (std::find(jc.accelerators.begin(), jc.accelerators.end(), found->id) == jc.accelerators.end()) {
        jc.accelerators.push_back(found->id);
      }
    }
  }
  if (r.has("priority")) {
    const std::int64_t p = r.at("priority").integer();
    if (p < -1000 || p > 1000) r.at("priority").fail(fmt::format("found {}, expected -1000..1000", p));
    jc.priority = static_cast<int>(p);
  }
  if (auto v = r.opt_bool("preemptible")) jc.preemptible = *v;
  jc.batch = positive(r, "batch", jc.batch);
  jc.input_tokens = positive(r, "input_tokens", jc.input_tokens);
  jc.output_tokens = positive(r, "output_tokens", jc.output_tokens);
  jc.seq_len = positive(r, "seq_len", jc.seq_len);
  jc.global_batch = positive(r, "global_batch", jc.global_batch);
  if (auto v = r.opt_text("note")) jc.note = *v;
  const ShapeFields given{r.has("work_tokens"), r.has("duration")};
  if (auto p = check_job_shape(catalog, jc, given, "job")) {
    throw InputError(p->field.empty() ? r.path() : r.path() + "." + p->field, p->message);
  }
  return jc;
}

live::Command read_submit(const JsonReader& r, const Catalog& catalog, const std::vector<JobClass>& classes,
                          const std::string& tenant) {
  live::Command c;
  c.kind = live::Command::Kind::Submit;
  JobClass base;
  if (!r.value().is_object()) r.fail(fmt::format("found {}, expected a job description (an object)", describe(r.value())));
  if (auto cls = r.opt_text("class")) {
    auto it = std::find_if(classes.begin(), classes.end(), [&](const JobClass& jc) { return jc.name == *cls; });
    if (it == classes.end()) {
      std::vector<std::string> names;
      for (const JobClass& jc : classes) names.push_back(jc.name);
      const auto near = closest_names(*cls, names);
      r.at("class").fail(fmt::format("found \"{}\", expected a job class of the scenario ({}){}", *cls,
                                     fmt::join(names, ", "),
                                     near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
    }
    base = *it;
    c.class_name = *cls;
  } else {
    base.name = "custom";
  }
  if (!tenant.empty()) base.tenant = tenant;
  c.shape = read_job_shape(r, catalog, base, {"class", "external_id"});
  if (c.shape.tenant.empty()) r.fail("missing field 'tenant' (no class gives one)");
  if (auto key = r.opt_text("external_id")) {
    if (key->empty() || key->size() > 200) r.at("external_id").fail("found an empty or over-long key, expected 1..200 characters");
    c.external_id = *key;
  }
  return c;
}

NodeGroup read_node_group(const JsonReader& r, const Catalog& catalog) {
  r.expect_object({"id", "accelerator", "count", "devices_per_node", "zone", "domain", "note"});
  NodeGroup g;
  g.id = r.at("id").text("a node group id");
  if (g.id.empty() || g.id.size() > 64 ||
      !std::all_of(g.id.begin(), g.id.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'; })) {
    r.at("id").fail(fmt::format("found \"{}\", expected 1..64 letters, digits, '-', '_' or '.'", g.id));
  }
  const JsonReader acc = r.at("accelerator");
  const std::string a = acc.text("a catalog accelerator id");
  const Accelerator* found = catalog.find_accelerator(a);
  if (!found) {
    std::vector<std::string> ids;
    for (const Accelerator& x : catalog.accelerators) ids.push_back(x.id);
    const auto near = closest_names(a, ids);
    acc.fail(fmt::format("found \"{}\", expected a catalog accelerator id{}", a,
                         near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
  }
  g.accelerator = found->id;
  g.count = positive(r, "count", 1);
  if (g.count > 100'000) r.at("count").fail(fmt::format("found {}, expected at most 100000 nodes", g.count));
  g.devices_per_node = positive(r, "devices_per_node", 8);
  if (g.devices_per_node > 64) r.at("devices_per_node").fail(fmt::format("found {}, expected 1..64", g.devices_per_node));
  if (auto v = r.opt_text("zone")) g.zone = *v;
  if (auto v = r.opt_text("domain")) g.domain = *v;
  if (auto v = r.opt_text("note")) g.note = *v;
  return g;
}

Tenant read_tenant(const JsonReader& r, const std::vector<std::string>& sectors) {
  r.expect_object({"name", "sector", "priority", "quota_devices", "domestic_target", "note"});
  Tenant t;
  t.name = r.at("name").text("a tenant name");
  if (t.name.empty() || t.name.size() > 64) r.at("name").fail("found an empty or over-long name, expected 1..64 characters");
  t.sector = r.at("sector").text("a sector");
  if (std::find(sectors.begin(), sectors.end(), t.sector) == sectors.end()) {
    r.at("sector").fail(fmt::format("found \"{}\", expected one of {}", t.sector, fmt::join(sectors, ", ")));
  }
  if (auto v = r.opt_integer("priority")) {
    if (*v < -1000 || *v > 1000) r.at("priority").fail(fmt::format("found {}, expected -1000..1000", *v));
    t.priority = static_cast<int>(*v);
  }
  if (auto v = r.opt_integer("quota_devices")) {
    if (*v < 0 || *v > 10'000'000) r.at("quota_devices").fail(fmt::format("found {}, expected 0 (none) or more", *v));
    t.quota_devices = static_cast<int>(*v);
  }
  if (auto v = r.opt_number("domestic_target")) {
    if (*v < 0 || *v > 1) r.at("domestic_target").fail(fmt::format("found {}, expected a share from 0 to 1", *v));
    t.domestic_target = *v;
  }
  if (auto v = r.opt_text("note")) t.note = *v;
  return t;
}

SupplyEffect read_effect(const JsonReader& r) {
  const std::string t = r.text("an export-policy effect");
  for (SupplyEffect e : {SupplyEffect::NoNewSupply, SupplyEffect::NoSupport, SupplyEffect::ImmediateLoss,
                         SupplyEffect::Restored}) {
    if (name(e) == t) return e;
  }
  r.fail(fmt::format("found \"{}\", expected no-new-supply, no-support, immediate-loss or restored", t));
}

void read_export(const JsonReader& r, const Catalog& catalog, live::Command& c) {
  c.kind = live::Command::Kind::Export;
  const JsonReader accs = r.at("accelerators");
  if (!r.has("accelerators")) r.fail("missing field 'accelerators' (catalog ids the event applies to)");
  for (const JsonReader& a : accs.elements("a list of accelerator ids")) {
    const std::string id = a.text("an accelerator id");
    const Accelerator* found = catalog.find_accelerator(id);
    if (!found) a.fail(fmt::format("found \"{}\", expected a catalog accelerator id", id));
    c.accelerators.push_back(found->id);
  }
  if (c.accelerators.empty()) accs.fail("found an empty list, expected at least one accelerator id");
  if (!r.has("effect")) r.fail("missing field 'effect'");
  c.effect = read_effect(r.at("effect"));
  if (r.has("grace")) c.grace = r.at("grace").duration();
  if (c.grace > 0 && c.effect != SupplyEffect::NoSupport) r.at("grace").fail("found a grace period, expected it only with no-support");
}

live::Command read_command(const JsonReader& r, const Catalog& catalog, const std::vector<std::string>& sectors) {
  using K = live::Command::Kind;
  if (!r.value().is_object()) r.fail(fmt::format("found {}, expected a command (an object)", describe(r.value())));
  const JsonReader kind = r.at("kind");
  const std::string k = kind.text("a command kind");
  const auto parsed = live::parse_command_kind(k);
  if (!parsed) kind.fail(fmt::format("found \"{}\", expected a command kind", k));
  live::Command c;
  c.kind = *parsed;
  if (auto v = r.opt_text("actor")) c.actor = *v;
  if (auto v = r.opt_text("note")) c.note = *v;
  auto job = [&] { return r.at("job").integer("a job id"); };
  auto epoch = [&] { return static_cast<int>(r.at("epoch").integer("a placement epoch")); };
  switch (c.kind) {
    case K::Submit:
      r.expect_object({"kind", "actor", "note", "job", "class", "external_id", "node"});
      c.shape = read_job_shape(r.at("job"), catalog, JobClass{});
      if (auto v = r.opt_text("class")) c.class_name = *v;
      if (auto v = r.opt_text("external_id")) c.external_id = *v;
      if (auto v = r.opt_text("node")) c.node = *v;
      break;
    case K::Cancel:
    case K::Link:
      r.expect_object({"kind", "actor", "note", "job"});
      c.job = job();
      break;
    case K::Started:
    case K::Finished:
    case K::Failed:
      r.expect_object({"kind", "actor", "note", "job", "epoch"});
      c.job = job();
      c.epoch = epoch();
      break;
    case K::NodesJoin:
      r.expect_object({"kind", "actor", "note", "group"});
      c.group = read_node_group(r.at("group"), catalog);
      break;
    case K::NodeDrain:
    case K::NodeFail:
    case K::NodeResume:
      r.expect_object({"kind", "actor", "note", "node"});
      c.node = r.at("node").text("a node name");
      break;
    case K::Export:
      r.expect_object({"kind", "actor", "note", "accelerators", "effect", "grace"});
      read_export(r, catalog, c);
      break;
    case K::TenantSet:
      r.expect_object({"kind", "actor", "note", "tenant"});
      c.tenant = read_tenant(r.at("tenant"), sectors);
      break;
    case K::Timer: r.expect_object({"kind", "actor", "note"}); break;
  }
  return c;
}

}  // namespace suanli::wire
