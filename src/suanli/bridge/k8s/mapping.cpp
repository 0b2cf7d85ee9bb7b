#include "suanli/bridge/k8s/mapping.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace suanli::bridge::k8s {

std::string Mapping::resource_of(const std::string& vendor) const {
  for (const auto& [resource, v] : resources) {
    if (v == vendor) return resource;
  }
  return "";
}

bool Mapping::accelerator_domain(const std::string& resource) const {
  const auto slash = resource.find('/');
  if (slash == std::string::npos) return false;
  const std::string domain = resource.substr(0, slash + 1);
  return std::any_of(resources.begin(), resources.end(),
                     [&](const auto& r) { return r.first.compare(0, domain.size(), domain) == 0; });
}

Mapping read_mapping(const wire::JsonReader& r, const Catalog& catalog) {
  Mapping m;
  r.expect_object({"tenant", "annotation_prefix", "defaults", "model_labels", "resources", "origin_label"});
  if (r.has("tenant")) {
    const wire::JsonReader t = r.at("tenant");
    t.expect_object({"key", "namespaces", "namespace_is_tenant"});
    if (auto v = t.opt_text("key")) m.tenant_key = *v;
    if (t.has("namespaces")) {
      const wire::JsonReader ns = t.at("namespaces");
      if (!ns.value().is_object()) ns.fail(fmt::format("found {}, expected an object of namespace: tenant", wire::describe(ns.value())));
      for (const auto& [name, value] : ns.value().items()) m.namespaces[name] = ns.at(name).text("a tenant name");
    }
    if (auto v = t.opt_bool("namespace_is_tenant")) m.namespace_is_tenant = *v;
  }
  if (auto v = r.opt_text("annotation_prefix")) m.annotation_prefix = *v;
  if (r.has("defaults")) {
    const wire::JsonReader d = r.at("defaults");
    d.expect_object({"kind", "work_tokens", "duration"});
    if (auto v = d.opt_text("kind")) {
      const auto k = parse_job_kind(*v);
      if (!k) d.at("kind").fail(fmt::format("found \"{}\", expected train, finetune, serve or batch-infer", *v));
      m.default_kind = *k;
    }
    if (auto v = d.opt_number("work_tokens")) {
      if (!(*v > 0)) d.at("work_tokens").fail(fmt::format("found {}, expected a number of tokens above zero", *v));
      m.default_work_tokens = *v;
    }
    if (d.has("duration")) {
      m.default_duration = d.at("duration").duration();
      if (m.default_duration <= 0) d.at("duration").fail("found a zero duration, expected how long a service runs");
    }
  }
  if (r.has("model_labels")) {
    m.model_labels = r.at("model_labels").strings("a list of node label keys");
    if (m.model_labels.empty()) r.at("model_labels").fail("found an empty list, expected at least one node label key");
  }
  if (r.has("resources")) {
    const wire::JsonReader res = r.at("resources");
    if (!res.value().is_object()) res.fail(fmt::format("found {}, expected an object of resource: vendor", wire::describe(res.value())));
    std::set<std::string> vendors;
    for (const Accelerator& a : catalog.accelerators) vendors.insert(a.vendor);
    for (const auto& [name, value] : res.value().items()) {
      if (value.is_null()) {
        m.resources.erase(name);
        continue;
      }
      if (name.find('/') == std::string::npos) {
        throw InputError(res.path() + "." + name, fmt::format("found '{}', expected an extended resource name "
                                                              "(domain/name, e.g. nvidia.com/gpu)", name));
      }
      const std::string vendor = res.at(name).text("a vendor of the catalog");
      if (!vendors.count(vendor)) {
        const auto near = closest_names(vendor, {vendors.begin(), vendors.end()});
        res.at(name).fail(fmt::format("found \"{}\", expected a vendor of the catalog ({}){}", vendor,
                                      fmt::join(vendors, ", "),
                                      near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front())));
      }
      m.resources[name] = vendor;
    }
  }
  if (auto v = r.opt_text("origin_label")) m.origin_label = *v;
  return m;
}

wire::Json mapping_json(const Mapping& m) {
  wire::Json ns = wire::Json::object();
  for (const auto& [k, v] : m.namespaces) ns[k] = v;
  wire::Json res = wire::Json::object();
  for (const auto& [k, v] : m.resources) res[k] = v;
  return {{"tenant", {{"key", m.tenant_key}, {"namespaces", ns}, {"namespace_is_tenant", m.namespace_is_tenant}}},
          {"annotation_prefix", m.annotation_prefix},
          {"defaults", {{"kind", name(m.default_kind)}, {"work_tokens", m.default_work_tokens},
                        {"duration", m.default_duration}}},
          {"model_labels", m.model_labels},
          {"resources", res},
          {"origin_label", m.origin_label}};
}

}  // namespace suanli::bridge::k8s
