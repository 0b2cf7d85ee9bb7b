#include "suanli/bridge/k8s/objects.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::bridge::k8s {
namespace {

bool same_folded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

[[noreturn]] void wrong(const std::string& path, const Json& v, std::string_view expected) {
  throw InputError(path, fmt::format("found {}, expected {}", wire::describe(v), expected));
}

// An optional member that must be an object (null and absent read as empty).
const Json* object_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = member(obj, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) wrong(path, *v, "an object");
  return v;
}

std::string text_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = member(obj, key);
  if (!v || v->is_null()) return "";
  if (!v->is_string()) wrong(path, *v, "a string");
  return v->get<std::string>();
}

std::map<std::string, std::string> string_map(const Json& obj, std::string_view key, const std::string& path) {
  std::map<std::string, std::string> out;
  const Json* m = object_at(obj, key, path);
  if (!m) return out;
  for (const auto& [k, v] : m->items()) {
    if (!v.is_string()) wrong(fmt::format("{}[\"{}\"]", path, k), v, "a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// Extended resources of a ResourceList ({"nvidia.com/gpu": "8", "cpu": "4"}).
void extended(const Json* list, const std::string& path, std::map<std::string, std::int64_t>& out,
              std::map<std::string, std::string>* bad) {
  if (!list) return;
  for (const auto& [k, v] : list->items()) {
    if (k.find('/') == std::string::npos) continue;
    if (!v.is_string() && !v.is_number()) wrong(fmt::format("{}[\"{}\"]", path, k), v, "a quantity");
    const std::int64_t n = whole_quantity(v);
    if (n < 0) {
      if (bad) (*bad)[k] = v.is_string() ? v.get<std::string>() : v.dump();
      continue;
    }
    out[k] = n;
  }
}

// One container's extended requests (requests, else limits).
std::map<std::string, std::int64_t> container_requests(const Json& c, const std::string& path,
                                                       std::map<std::string, std::string>& bad) {
  std::map<std::string, std::int64_t> limits, requests;
  const Json* res = object_at(c, "resources", path + ".resources");
  if (!res) return requests;
  extended(object_at(*res, "limits", path + ".resources.limits"), path + ".resources.limits", limits, &bad);
  extended(object_at(*res, "requests", path + ".resources.requests"), path + ".resources.requests", requests, &bad);
  for (const auto& [k, n] : limits) requests.emplace(k, n);
  return requests;
}

const Json* array_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = member(obj, key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_array()) wrong(path, *v, "an array");
  return v;
}

}  // namespace

const Json* member(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it != obj.end()) return &*it;
  for (auto i = obj.begin(); i != obj.end(); ++i) {
    if (same_folded(i.key(), key)) return &i.value();
  }
  return nullptr;
}

std::int64_t whole_quantity(const Json& q) {
  if (q.is_number_integer()) return q.get<std::int64_t>() >= 0 ? q.get<std::int64_t>() : -1;
  if (q.is_number()) {
    const double d = q.get<double>();
    return d >= 0 && d == static_cast<double>(static_cast<std::int64_t>(d)) ? static_cast<std::int64_t>(d) : -1;
  }
  if (!q.is_string()) return -1;
  const std::string s = q.get<std::string>();
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || n < 0 || p == s.data()) return -1;
  const std::string_view suffix(p, static_cast<std::size_t>(s.data() + s.size() - p));
  if (suffix.empty()) return n;
  if (suffix == "k") return n * 1000;
  return -1;  // "500m", "1Ki", "1.5": not a whole number of devices
}

PodObject read_pod(const Json& pod, const std::string& path) {
  if (!pod.is_object()) wrong(path, pod, "a v1.Pod object");
  PodObject p;
  if (const Json* meta = object_at(pod, "metadata", path + ".metadata")) {
    p.name = text_at(*meta, "name", path + ".metadata.name");
    p.ns = text_at(*meta, "namespace", path + ".metadata.namespace");
    p.uid = text_at(*meta, "uid", path + ".metadata.uid");
    p.labels = string_map(*meta, "labels", path + ".metadata.labels");
    p.annotations = string_map(*meta, "annotations", path + ".metadata.annotations");
  }
  if (p.ns.empty()) p.ns = "default";
  const Json* spec = object_at(pod, "spec", path + ".spec");
  if (!spec) return p;
  if (const Json* cs = array_at(*spec, "containers", path + ".spec.containers")) {
    for (std::size_t i = 0; i < cs->size(); ++i) {
      const std::string cp = fmt::format("{}.spec.containers[{}]", path, i);
      if (!(*cs)[i].is_object()) wrong(cp, (*cs)[i], "a container object");
      for (const auto& [k, n] : container_requests((*cs)[i], cp, p.bad_quantities)) p.requests[k] += n;
    }
  }
  if (const Json* cs = array_at(*spec, "initContainers", path + ".spec.initContainers")) {
    for (std::size_t i = 0; i < cs->size(); ++i) {
      const std::string cp = fmt::format("{}.spec.initContainers[{}]", path, i);
      if (!(*cs)[i].is_object()) wrong(cp, (*cs)[i], "a container object");
      for (const auto& [k, n] : container_requests((*cs)[i], cp, p.bad_quantities)) {
        p.requests[k] = std::max(p.requests[k], n);
      }
    }
  }
  return p;
}

NodeObject read_node(const Json& node, const std::string& path) {
  if (!node.is_object()) wrong(path, node, "a v1.Node object");
  NodeObject n;
  n.raw = &node;
  const Json* meta = object_at(node, "metadata", path + ".metadata");
  if (meta) {
    n.name = text_at(*meta, "name", path + ".metadata.name");
    n.labels = string_map(*meta, "labels", path + ".metadata.labels");
  }
  if (n.name.empty()) throw InputError(path + ".metadata.name", "missing, expected the node's name");
  if (const Json* status = object_at(node, "status", path + ".status")) {
    const Json* alloc = object_at(*status, "allocatable", path + ".status.allocatable");
    const std::string where = alloc ? path + ".status.allocatable" : path + ".status.capacity";
    if (!alloc) alloc = object_at(*status, "capacity", where);
    extended(alloc, where, n.allocatable, nullptr);
  }
  return n;
}

ExtenderArgs read_extender_args(const Json& body) {
  if (!body.is_object()) wrong("$", body, "ExtenderArgs (an object with Pod and Nodes or NodeNames)");
  ExtenderArgs a;
  const Json* pod = member(body, "Pod");
  if (!pod || pod->is_null()) throw InputError("$.Pod", "missing, expected the v1.Pod being scheduled");
  a.pod = read_pod(*pod, "$.Pod");
  const Json* names = member(body, "NodeNames");
  const Json* nodes = member(body, "Nodes");
  if (names && !names->is_null()) {
    if (!names->is_array()) wrong("$.NodeNames", *names, "an array of node names");
    a.names_only = true;
    for (std::size_t i = 0; i < names->size(); ++i) {
      const Json& v = (*names)[i];
      if (!v.is_string()) wrong(fmt::format("$.NodeNames[{}]", i), v, "a node name (a string)");
      NodeObject n;
      n.name = v.get<std::string>();
      a.nodes.push_back(std::move(n));
    }
    return a;
  }
  if (!nodes || nodes->is_null()) {
    throw InputError("$", "found neither Nodes nor NodeNames, expected the candidate nodes");
  }
  if (!nodes->is_object()) wrong("$.Nodes", *nodes, "a v1.NodeList object");
  const Json* items = array_at(*nodes, "items", "$.Nodes.items");
  if (!items) return a;
  a.nodes.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) a.nodes.push_back(read_node((*items)[i], fmt::format("$.Nodes.items[{}]", i)));
  return a;
}

BindingArgs read_binding_args(const Json& body) {
  if (!body.is_object()) wrong("$", body, "ExtenderBindingArgs (an object with PodName, PodNamespace, PodUID, Node)");
  BindingArgs b;
  b.pod_name = text_at(body, "PodName", "$.PodName");
  b.pod_namespace = text_at(body, "PodNamespace", "$.PodNamespace");
  b.pod_uid = text_at(body, "PodUID", "$.PodUID");
  b.node = text_at(body, "Node", "$.Node");
  if (b.pod_name.empty()) throw InputError("$.PodName", "missing, expected the pod's name");
  if (b.pod_uid.empty()) throw InputError("$.PodUID", "missing, expected the pod's UID");
  if (b.node.empty()) throw InputError("$.Node", "missing, expected the node kube-scheduler chose");
  if (b.pod_namespace.empty()) b.pod_namespace = "default";
  return b;
}

}  // namespace suanli::bridge::k8s
