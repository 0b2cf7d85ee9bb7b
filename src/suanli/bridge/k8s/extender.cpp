#include "suanli/bridge/k8s/extender.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "suanli/model/error.h"
#include "suanli/policy/capability.h"
#include "suanli/wire/codec.h"

namespace suanli::bridge::k8s {
namespace {

using Result = NodeVerdict::Result;

// Pod annotations (after the prefix) and the job field each sets.
struct Field {
  const char* annotation;
  const char* key;     // in the job description (POST /v1/jobs)
  enum Type { Text, Number, Integer, List, Slo } type;
};
constexpr Field kFields[] = {
    {"model", "model", Field::Text},
    {"kind", "kind", Field::Text},
    {"precision", "precision", Field::Text},
    {"stacks", "stacks", Field::List},
    {"devices", "devices", Field::Integer},
    {"share", "share", Field::Number},
    {"share-memory-gb", "share_memory_gb", Field::Number},
    {"slo-tokens-per-s", "min_tokens_per_s", Field::Slo},
    {"slo-tpot-ms", "max_tpot_ms", Field::Slo},
    {"work-tokens", "work_tokens", Field::Number},
    {"duration", "duration", Field::Text},
    {"priority", "priority", Field::Integer},
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A catalog accelerator for a label value: an id or alias, or the same after
// a vendor prefix ("NVIDIA-H20", "Huawei-Ascend910C").
const Accelerator* accelerator_named(const Catalog& catalog, const std::string& value) {
  if (const Accelerator* a = catalog.find_accelerator(value)) return a;
  const auto dash = value.find_first_of("-_ ");
  if (dash == std::string::npos) return nullptr;
  const std::string prefix = lower(value.substr(0, dash));
  for (const Accelerator& a : catalog.accelerators) {
    if (lower(a.vendor) == prefix) return catalog.find_accelerator(value.substr(dash + 1));
  }
  return nullptr;
}

}  // namespace

Extender::Extender(server::Service& service, Mapping mapping, ExtenderOptions options, std::unique_ptr<Binder> binder)
    : service_(&service), mapping_(std::move(mapping)), options_(options), binder_(std::move(binder)) {
  for (const Accelerator& a : service.catalog().accelerators) {
    auto& stacks = vendor_stacks_[a.vendor];
    if (std::find(stacks.begin(), stacks.end(), a.stack) == stacks.end()) stacks.push_back(a.stack);
  }
}

// --- translation ------------------------------------------------------------------------

PodRequest Extender::translate(const PodObject& pod, const live::LiveState& s) const {
  PodRequest r;
  r.ns = pod.ns;
  r.name = pod.name;
  r.uid = pod.uid;
  const std::string& pre = mapping_.annotation_prefix;
  auto refuse = [&](const std::string& why) {
    r.refusal = fmt::format("suanli: pod {}/{}: {}", r.ns, r.name, why);
    return r;
  };

  // Which accelerator resources it requests.
  std::vector<std::pair<std::string, std::int64_t>> wanted;
  std::vector<std::string> unknown;
  for (const auto& [res, n] : pod.requests) {
    if (n <= 0) continue;
    if (mapping_.resources.count(res)) {
      wanted.emplace_back(res, n);
    } else if (mapping_.accelerator_domain(res)) {
      unknown.push_back(res);
    }
  }
  bool ours = false;
  for (const auto& [k, v] : pod.annotations) ours = ours || (starts_with(k, pre) && k != mapping_.tenant_key);
  std::string bad_quantity;
  for (const auto& [res, q] : pod.bad_quantities) {
    if (mapping_.resources.count(res) || mapping_.accelerator_domain(res)) {
      bad_quantity = fmt::format("requests {} '{}', expected a whole number of devices", res, q);
    }
  }
  r.accelerated = !wanted.empty() || !unknown.empty() || ours || !bad_quantity.empty();
  if (!r.accelerated) return r;
  if (!bad_quantity.empty()) return refuse(bad_quantity);
  if (!unknown.empty()) {
    std::vector<std::string> known;
    for (const auto& [res, vendor] : mapping_.resources) known.push_back(res);
    return refuse(fmt::format("requests {}, which is not an accelerator resource of the mapping ({}); add it under "
                              "'resources' in the Kubernetes mapping",
                              fmt::join(unknown, ", "), fmt::join(known, ", ")));
  }
  if (wanted.size() > 1) {
    return refuse(fmt::format("requests {} and {}: suanli judges one accelerator kind per pod", wanted[0].first,
                              wanted[1].first));
  }

  // The tenant.
  auto find = [](const std::map<std::string, std::string>& m, const std::string& k) -> std::string {
    auto it = m.find(k);
    return it == m.end() ? "" : it->second;
  };
  std::string tenant = find(pod.labels, mapping_.tenant_key);
  std::string from = "label " + mapping_.tenant_key;
  if (tenant.empty()) {
    tenant = find(pod.annotations, mapping_.tenant_key);
    from = "annotation " + mapping_.tenant_key;
  }
  if (tenant.empty()) {
    tenant = find(mapping_.namespaces, pod.ns);
    from = "the mapping of namespace " + pod.ns;
  }
  if (tenant.empty() && mapping_.namespace_is_tenant) {
    tenant = pod.ns;
    from = "its namespace";
  }
  std::vector<std::string> tenants;
  for (const Tenant& t : s.tenants()) tenants.push_back(t.name);
  if (tenant.empty()) {
    return refuse(fmt::format("no tenant: the pod has no {} label and namespace '{}' is not mapped to one (tenants: {})",
                              mapping_.tenant_key, pod.ns, fmt::join(tenants, ", ")));
  }
  if (!s.tenant(tenant)) {
    const auto near = closest_names(tenant, tenants);
    return refuse(fmt::format("no tenant: '{}' (from {}) is not a tenant of suanli (tenants: {}){}; label the pod "
                              "{}=TENANT or map its namespace in the Kubernetes mapping",
                              tenant, from, fmt::join(tenants, ", "),
                              near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front()), mapping_.tenant_key));
  }
  r.tenant = tenant;

  // The job: a class of the scenario as the base, then the annotations, decoded as POST /v1/jobs decodes a job.
  JobClass base;
  base.name = "k8s";
  if (auto cls = pod.annotations.find(pre + "class"); cls != pod.annotations.end()) {
    const auto& classes = service_->scenario().classes;
    auto it = std::find_if(classes.begin(), classes.end(), [&](const JobClass& jc) { return jc.name == cls->second; });
    if (it == classes.end()) {
      std::vector<std::string> names;
      for (const JobClass& jc : classes) names.push_back(jc.name);
      const auto near = closest_names(cls->second, names);
      return refuse(fmt::format("annotation {}class: found '{}', expected a job class of the scenario ({}){}", pre,
                                cls->second, fmt::join(names, ", "),
                                near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
    }
    base = *it;
    r.class_name = it->name;
  }
  Json job = Json::object();
  std::map<std::string, std::string> origin;  // job key -> the annotation it came from
  if (auto j = pod.annotations.find(pre + "job"); j != pod.annotations.end()) {
    try {
      job = wire::parse_json(j->second);
    } catch (const InputError& e) {
      return refuse(fmt::format("annotation {}job: {}", pre, e.message()));
    }
    if (!job.is_object()) return refuse(fmt::format("annotation {}job: found {}, expected a job description (a JSON object)", pre, wire::describe(job)));
    for (const auto& [k, v] : job.items()) origin[k] = pre + "job";
  }
  std::vector<std::string> names = {pre + "class", pre + "job", mapping_.tenant_key};
  for (const Field& f : kFields) names.push_back(pre + f.annotation);
  for (const auto& [key, value] : pod.annotations) {
    if (!starts_with(key, pre) || std::find(names.begin(), names.end(), key) != names.end()) continue;
    const auto near = closest_names(key, names, 1);
    return refuse(fmt::format("unknown annotation {}{}", key, near.empty() ? "" : fmt::format(" (did you mean {}?)", near.front())));
  }
  for (const Field& f : kFields) {
    auto it = pod.annotations.find(pre + f.annotation);
    if (it == pod.annotations.end()) continue;
    const std::string& text = it->second;
    const std::string where = fmt::format("annotation {}{}", pre, f.annotation);
    Json value;
    if (f.type == Field::Text) {
      value = text;
    } else if (f.type == Field::List) {
      value = split_list(text);
    } else {
      try {
        std::size_t used = 0;
        const double d = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument(text);
        if (f.type == Field::Integer) {
          if (d != std::floor(d)) throw std::invalid_argument(text);
          value = static_cast<std::int64_t>(d);
        } else {
          value = d;
        }
      } catch (const std::exception&) {
        return refuse(fmt::format("{}: found '{}', expected {}", where, text,
                                  f.type == Field::Integer ? "a whole number" : "a number"));
      }
    }
    if (f.type == Field::Slo) {
      if (!job.contains("slo") || !job["slo"].is_object()) job["slo"] = Json::object();
      job["slo"][f.key] = value;
      origin["slo"] = where;
    } else {
      job[f.key] = value;
      origin[f.key] = where;
    }
  }
  if (!wanted.empty()) {
    r.resource = wanted.front().first;
    const std::int64_t n = wanted.front().second;
    if (job.contains("devices") && job["devices"] != Json(n)) {
      return refuse(fmt::format("{} says {} devices, the pod requests {} {}", origin["devices"], job["devices"].dump(), n,
                                r.resource));
    }
    job["devices"] = n;
    origin["devices"] = "resource " + r.resource;
  }
  if (!job.contains("kind") && r.class_name.empty()) job["kind"] = std::string(name(mapping_.default_kind));
  const JobKind kind = job.contains("kind") && job["kind"].is_string()
                           ? parse_job_kind(job["kind"].get<std::string>()).value_or(base.kind)
                           : base.kind;
  if (kind == JobKind::Serve && !job.contains("duration") && base.duration <= 0) job["duration"] = mapping_.default_duration;
  if (kind != JobKind::Serve && !job.contains("work_tokens") && base.work_tokens <= 0) {
    job["work_tokens"] = mapping_.default_work_tokens;
  }
  if (!job.contains("stacks") && base.stacks.empty() && !r.resource.empty()) {
    auto it = vendor_stacks_.find(mapping_.resources.at(r.resource));
    if (it != vendor_stacks_.end()) job["stacks"] = it->second;
    origin["stacks"] = "the stacks of " + r.resource;
  }
  try {
    r.shape = wire::read_job_shape(wire::JsonReader(job, "$"), service_->catalog(), base);
  } catch (const InputError& e) {
    // "$.slo.max_tpot_ms" -> the annotation that set slo; "$" -> the pod as a whole.
    std::string key = e.where().size() > 2 ? e.where().substr(2) : "";
    key = key.substr(0, key.find('.'));
    const std::string where = key.empty() ? "" : (origin.count(key) ? origin[key] : key) + ": ";
    std::string message = e.message();
    if (message.find("missing required field 'model'") != std::string::npos) {
      message = fmt::format("names no model: annotate it {}model (a model of the zoo) or {}class", pre, pre);
    } else if (message.find("missing required field 'stacks'") != std::string::npos) {
      message = fmt::format("names no software stacks: annotate it {}stacks (e.g. cann,cuda)", pre);
    }
    return refuse(where + message);
  }
  r.shape.tenant = tenant;
  return r;
}

NodeTarget Extender::target(const NodeObject& node, const live::LiveState& s) const {
  NodeTarget t;
  t.name = node.name;
  const ClusterState& cluster = s.scheduler().cluster();
  const int index = cluster.node_named(node.name);
  const Accelerator* fleet = nullptr;
  int fleet_devices = 0;
  if (index >= 0) {
    const Node& n = cluster.nodes()[static_cast<std::size_t>(index)];
    fleet = cluster.pools()[static_cast<std::size_t>(n.pool)].accelerator;
    fleet_devices = n.devices;
    t.status = s.node(index).status;
    t.status_reason = s.node(index).reason;
  }
  const Catalog& catalog = service_->catalog();
  const Accelerator* labelled = nullptr;
  for (const std::string& key : mapping_.model_labels) {
    auto it = node.labels.find(key);
    if (it == node.labels.end()) continue;
    labelled = accelerator_named(catalog, it->second);
    if (!labelled) {
      std::vector<std::string> ids;
      for (const Accelerator& a : catalog.accelerators) ids.push_back(a.id);
      const auto near = closest_names(it->second, ids);
      t.problem = fmt::format("label {}={} names no accelerator of the catalog{}", key, it->second,
                              near.empty() ? "" : fmt::format(" (did you mean {}?)", near.front()));
      return t;
    }
    break;
  }
  if (labelled && fleet && labelled != fleet) {
    t.problem = fmt::format("its label says {}, suanli's fleet has {} on it", labelled->id, fleet->id);
    return t;
  }
  t.accelerator = labelled ? labelled : fleet;
  if (!t.accelerator) {
    t.problem = node.raw ? fmt::format("no accelerator model: no {} label, and not a node of suanli's fleet",
                                       fmt::join(mapping_.model_labels, " or "))
                         : "not a node of suanli's fleet (with NodeNames only, suanli knows nodes by name)";
    return t;
  }
  // Devices: the node's allocatable count of the resource that counts its vendor's chips.
  for (const auto& [res, n] : node.allocatable) {
    auto m = mapping_.resources.find(res);
    if (m == mapping_.resources.end() || n <= 0) continue;
    if (m->second != t.accelerator->vendor) {
      t.problem = fmt::format("it is labelled {} ({}) but offers {} ({})", t.accelerator->id, t.accelerator->vendor, res,
                              m->second);
      return t;
    }
    t.resource = res;
    t.devices = static_cast<int>(std::min<std::int64_t>(n, 1 << 20));
  }
  if (t.resource.empty()) t.devices = fleet_devices;
  return t;
}

std::pair<PodRequest, Snapshot> Extender::read(const ExtenderArgs& args) const {
  return service_->read([&](const live::LiveState& s) {
    std::pair<PodRequest, Snapshot> out;
    PodRequest& pod = out.first;
    Snapshot& snap = out.second;
    pod = translate(args.pod, s);
    snap.nodes.reserve(args.nodes.size());
    const bool judged = pod.accelerated && pod.refusal.empty();
    for (const NodeObject& n : args.nodes) {
      if (judged) {
        snap.nodes.push_back(target(n, s));
      } else {
        NodeTarget t;
        t.name = n.name;
        snap.nodes.push_back(std::move(t));
      }
    }
    if (!judged) return out;
    snap.policy = s.policy();
    snap.tenants = s.tenants();
    const ClusterState& cluster = s.scheduler().cluster();
    for (const Pool& p : cluster.pools()) {
      if (p.alive_nodes == 0) continue;
      auto it = std::find_if(snap.fleet_models.begin(), snap.fleet_models.end(),
                             [&](const Policy::FleetModel& m) { return m.accelerator == p.accelerator; });
      if (it == snap.fleet_models.end()) {
        snap.fleet_models.push_back({p.accelerator, p.total_devices});
      } else {
        it->total_devices += p.total_devices;
      }
    }
    snap.fleet_devices = cluster.total_devices();
    snap.fleet_imported_in_use = s.scheduler().imported_in_use();
    snap.tenant_imported_in_use = s.imported_in_use(pod.tenant);
    snap.tenant_devices_in_use = s.devices_in_use(pod.tenant);
    return out;
  });
}

// --- judging ----------------------------------------------------------------------------

std::vector<NodeVerdict> Extender::judge(const PodRequest& pod, const Snapshot& snap) const {
  std::vector<NodeVerdict> out(snap.nodes.size());
  if (!pod.accelerated) return out;
  if (!pod.refusal.empty()) {
    for (NodeVerdict& v : out) {
      v.result = Result::Unresolvable;
      v.reason = pod.refusal;
    }
    return out;
  }
  const Catalog& catalog = service_->catalog();
  const Policy policy(snap.policy);
  CapabilityCache caps(catalog);
  const auto tenant = std::find_if(snap.tenants.begin(), snap.tenants.end(), [&](const Tenant& t) { return t.name == pod.tenant; });
  SUANLI_ASSERT(tenant != snap.tenants.end());

  // The gap over suanli's fleet and the models of the request's nodes it does not list.
  std::vector<Policy::FleetModel> models = snap.fleet_models;
  for (const NodeTarget& n : snap.nodes) {
    if (!n.accelerator || !n.problem.empty()) continue;
    auto it = std::find_if(models.begin(), models.end(), [&](const Policy::FleetModel& m) { return m.accelerator == n.accelerator; });
    if (it == models.end()) {
      models.push_back({n.accelerator, n.devices});
    } else if (std::none_of(snap.fleet_models.begin(), snap.fleet_models.end(),
                            [&](const Policy::FleetModel& m) { return m.accelerator == n.accelerator; })) {
      it->total_devices += n.devices;
    }
  }
  const GapAnalysis gap = policy.analyse_gap(pod.shape, models, caps);
  const ImportedUse use{snap.fleet_devices, snap.fleet_imported_in_use, snap.tenant_imported_in_use, tenant->quota_devices};
  const std::string pod_vendor = pod.resource.empty() ? "" : mapping_.resources.at(pod.resource);
  const double work = pod.shape.kind == JobKind::Serve ? static_cast<double>(pod.shape.duration) : pod.shape.work_tokens;

  // The verdict on a model does not depend on the node: once per model.
  struct ModelVerdict {
    NodeVerdict v;
    int devices = 0;  // the job's devices on this model
  };
  std::unordered_map<const Accelerator*, ModelVerdict> memo;
  auto of_model = [&](const Accelerator& a) -> const ModelVerdict& {
    auto it = memo.find(&a);
    if (it != memo.end()) return it->second;
    ModelVerdict m;
    const Capability& cap = caps.get(pod.shape, a);
    m.devices = cap.devices;
    m.v.imported = a.origin == Origin::Imported;
    if (!cap.feasible) {
      m.v.result = Result::Unresolvable;
      m.v.reason = fmt::format("suanli: {} cannot run it: {}", a.id, cap.why);
    } else if (const Verdict rules = policy.judge_rules(*tenant, a, gap); !rules.allowed) {
      m.v.result = Result::Unresolvable;
      m.v.reason = fmt::format("suanli: {}: {}", rules.rule, rules.reason);
    } else if (tenant->quota_devices > 0 && snap.tenant_devices_in_use + cap.device_units() > tenant->quota_devices + 1e-9) {
      m.v.result = Result::Failed;
      m.v.reason = fmt::format("suanli: quota: {}'s quota of {} devices would be exceeded ({:g} in use, {:g} more)",
                               tenant->name, tenant->quota_devices, snap.tenant_devices_in_use, cap.device_units());
    } else if (const Verdict capped = policy.judge_cap(a, tenant->name, cap.device_units(), use); !capped.allowed) {
      m.v.result = Result::Failed;
      m.v.reason = fmt::format("suanli: {}: {}", capped.rule, capped.reason);
    } else {
      const Seconds t = runtime(pod.shape, cap, work);
      m.v.runtime_s = static_cast<double>(t);
      m.v.energy_j = a.tdp_w.known() ? a.tdp_w.value * cap.device_units() * static_cast<double>(t) : 1e300;
    }
    return memo.emplace(&a, std::move(m)).first->second;
  };

  for (std::size_t i = 0; i < snap.nodes.size(); ++i) {
    const NodeTarget& n = snap.nodes[i];
    NodeVerdict& v = out[i];
    auto refuse = [&](Result r, std::string why) {
      v.result = r;
      v.reason = std::move(why);
    };
    if (!n.problem.empty()) {
      refuse(Result::Unresolvable, fmt::format("suanli: node {}: {}", n.name, n.problem));
      continue;
    }
    const Accelerator& a = *n.accelerator;
    if (!pod_vendor.empty() && a.vendor != pod_vendor) {
      refuse(Result::Unresolvable, fmt::format("suanli: the pod requests {} ({}), node {} has {} ({})", pod.resource,
                                               pod_vendor, n.name, a.id, a.vendor));
      continue;
    }
    if (n.status && *n.status != live::NodeStatus::Up) {
      const bool back = *n.status == live::NodeStatus::Drained || *n.status == live::NodeStatus::Failed;
      refuse(back ? Result::Failed : Result::Unresolvable,
             fmt::format("suanli: node {} is {} in suanli's fleet{}", n.name, live::name(*n.status),
                         n.status_reason.empty() ? "" : " (" + n.status_reason + ")"));
      continue;
    }
    const ModelVerdict& m = of_model(a);
    if (m.v.result == Result::Unresolvable) {
      v = m.v;
      continue;
    }
    if (n.devices > 0 && m.devices > n.devices) {
      refuse(Result::Unresolvable, fmt::format("suanli: {} needs {} devices for it, node {} has {}", a.id, m.devices, n.name, n.devices));
      continue;
    }
    v = m.v;
  }
  return out;
}

std::vector<std::int64_t> Extender::scores(const std::vector<NodeVerdict>& verdicts) {
  std::vector<std::int64_t> out(verdicts.size(), 0);
  for (const bool imported : {false, true}) {
    std::vector<std::pair<double, double>> keys;
    for (const NodeVerdict& v : verdicts) {
      if (v.result == Result::Allowed && v.imported == imported) keys.emplace_back(v.runtime_s, v.energy_j);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    const double top = imported ? 4 : 10;
    for (std::size_t i = 0; i < verdicts.size(); ++i) {
      const NodeVerdict& v = verdicts[i];
      if (v.result != Result::Allowed || v.imported != imported) continue;
      const auto rank = std::lower_bound(keys.begin(), keys.end(), std::pair{v.runtime_s, v.energy_j}) - keys.begin();
      const double step = keys.size() > 1 ? 4.0 * static_cast<double>(rank) / static_cast<double>(keys.size() - 1) : 0.0;
      out[i] = static_cast<std::int64_t>(std::lround(top - step));
    }
  }
  return out;
}

// --- the verbs --------------------------------------------------------------------------

Json Extender::filter(const Json& body) {
  const ExtenderArgs args = read_extender_args(body);
  const auto [pod, snap] = read(args);
  remember(pod);
  const std::vector<NodeVerdict> verdicts = judge(pod, snap);
  Json failed = Json::object(), unresolvable = Json::object();
  Json names = Json::array(), items = Json::array();
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const NodeVerdict& v = verdicts[i];
    const std::string& name = args.nodes[i].name;
    if (v.result == Result::Allowed) {
      if (args.names_only) {
        names.push_back(name);
      } else {
        items.push_back(*args.nodes[i].raw);
      }
    } else {
      (v.result == Result::Failed ? failed : unresolvable)[name] = v.reason;
    }
  }
  Json out = {{"FailedNodes", failed}, {"FailedAndUnresolvableNodes", unresolvable}, {"Error", ""}};
  if (args.names_only) {
    out["Nodes"] = nullptr;
    out["NodeNames"] = names;
  } else {
    out["Nodes"] = {{"metadata", Json::object()}, {"items", items}};
    out["NodeNames"] = nullptr;
  }
  return out;
}

Json Extender::prioritize(const Json& body) {
  const ExtenderArgs args = read_extender_args(body);
  const auto [pod, snap] = read(args);
  remember(pod);
  const std::vector<std::int64_t> s = scores(judge(pod, snap));
  Json out = Json::array();
  for (std::size_t i = 0; i < s.size(); ++i) out.push_back({{"Host", args.nodes[i].name}, {"Score", s[i]}});
  return out;
}

Json Extender::bind(const Json& body, const std::string& actor) {
  const BindingArgs b = read_binding_args(body);
  const auto pod = recall(b.pod_uid);
  std::string error;
  if (!pod) {
    error = fmt::format("suanli: pod {}/{} (uid {}) was not filtered by this service since it started, so its shape "
                        "is unknown; kube-scheduler retries the scheduling cycle",
                        b.pod_namespace, b.pod_name, b.pod_uid);
  } else if (pod->ns != b.pod_namespace || pod->name != b.pod_name) {
    error = fmt::format("suanli: uid {} was filtered as pod {}/{}, not {}/{}", b.pod_uid, pod->ns, pod->name,
                        b.pod_namespace, b.pod_name);
  } else if (!pod->accelerated) {
    error = binder_->bind(b);  // not suanli's business: bound, not recorded
  } else if (!pod->refusal.empty()) {
    error = pod->refusal;
  } else {
    error = bind_recorded(b, *pod, actor);
  }
  return {{"Error", error}};
}

std::string Extender::bind_recorded(const BindingArgs& b, const PodRequest& pod, const std::string& actor) {
  live::Command c;
  c.kind = live::Command::Kind::Submit;
  c.shape = pod.shape;
  c.shape.preemptible = false;  // Kubernetes owns the pod's lifecycle
  c.class_name = pod.class_name;
  c.node = b.node;
  c.actor = actor;
  // The pod's UID is the idempotency key, so a retried bind is not a second
  // job; a pod bound again after an earlier attempt ended (refused,
  // cancelled) takes the next key "k8s/<uid>#2", ...
  using S = server::Outcome::Status;
  server::Outcome o;
  for (int attempt = 1;; ++attempt) {
    c.external_id = attempt == 1 ? "k8s/" + pod.uid : fmt::format("k8s/{}#{}", pod.uid, attempt);
    o = service_->execute(c);
    if (o.status != S::Duplicate || attempt == 1000) break;
    const bool ended = service_->read([&](const live::LiveState& s) {
      const live::JobRecord* r = s.job(o.job);
      return r && live::terminal(r->status);
    });
    if (!ended) break;
  }
  if (o.status == S::Invalid) return fmt::format("suanli: {}: {}", o.where, o.message);
  if (o.status != S::Applied && o.status != S::Duplicate) return "suanli: " + o.message;
  if (o.status == S::Duplicate) {
    // A retried bind: fine if the job holds that node now.
    const std::string why = service_->read([&](const live::LiveState& s) -> std::string {
      const live::JobRecord* r = s.job(o.job);
      if (!r) return fmt::format("job {} is gone", o.job);
      const bool holds = (r->status == live::JobStatus::Placed || r->status == live::JobStatus::Running) &&
                         std::find(r->nodes.begin(), r->nodes.end(), b.node) != r->nodes.end();
      return holds ? "" : fmt::format("the pod was recorded before as job {} ({}: {})", o.job, live::name(r->status), r->reason);
    });
    if (!why.empty()) return "suanli: " + why;
  } else {
    bool placed = false;
    std::string rejected;
    for (const Json& d : o.decisions) {
      if (d.value("job", std::int64_t{0}) != o.job) continue;
      const std::string kind = d.value("kind", "");
      if (kind == "place") placed = true;
      if (kind == "reject") rejected = d.value("reason", "");
    }
    if (!placed) {
      return fmt::format("suanli: job {} refused on node {}: {}", o.job, b.node,
                         rejected.empty() ? "not placed" : rejected);
    }
  }
  const std::string err = binder_->bind(b);
  if (err.empty()) return "";
  live::Command cancel;
  cancel.kind = live::Command::Kind::Cancel;
  cancel.job = o.job;
  cancel.note = "Kubernetes binding failed: " + err;
  cancel.actor = actor;
  service_->execute(std::move(cancel));
  return fmt::format("suanli recorded job {} on {} but {}; the job is cancelled in suanli", o.job, b.node, err);
}

void Extender::remember(const PodRequest& pod) {
  if (pod.uid.empty() || !options_.bind) return;
  std::lock_guard lock(pods_mu_);
  auto [it, fresh] = pods_.insert_or_assign(pod.uid, pod);
  if (!fresh) return;
  pod_order_.push_back(pod.uid);
  while (pod_order_.size() > options_.remembered_pods) {
    pods_.erase(pod_order_.front());
    pod_order_.pop_front();
  }
}

std::optional<PodRequest> Extender::recall(const std::string& uid) const {
  std::lock_guard lock(pods_mu_);
  auto it = pods_.find(uid);
  if (it == pods_.end()) return std::nullopt;
  return it->second;
}

}  // namespace suanli::bridge::k8s
