// Request bodies in the kube-scheduler extender's wire format, written from
// the published types (k8s.io/kube-scheduler/extender/v1 and core/v1): the
// extender types have no JSON tags, so kube-scheduler writes their Go field
// names (Pod, Nodes, NodeNames, PodName, ...); a pointer it leaves nil is
// null; Pod and Node carry their own tags (metadata, spec, status) and
// quantities are strings ("8").
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace suanli::k8s_test {

using Json = nlohmann::json;
using Strings = std::map<std::string, std::string>;

// A v1.Pod as kube-scheduler marshals it: one container whose limits (and
// requests) are `resources`.
inline Json pod(const std::string& ns, const std::string& name, const std::string& uid, const Strings& annotations,
                const Strings& resources = {}, const Strings& labels = {}) {
  Json meta = {{"name", name}, {"namespace", ns}, {"uid", uid}, {"resourceVersion", "1"}, {"creationTimestamp", nullptr}};
  if (!labels.empty()) meta["labels"] = labels;
  if (!annotations.empty()) meta["annotations"] = annotations;
  Json res = Json::object();
  if (!resources.empty()) {
    res["limits"] = resources;
    res["requests"] = resources;
  }
  return {{"metadata", meta},
          {"spec",
           {{"containers", Json::array({{{"name", "main"}, {"image", "registry.local/train:1"}, {"resources", res}}})},
            {"restartPolicy", "Never"},
            {"schedulerName", "default-scheduler"},
            {"priority", 0}}},
          {"status", {{"phase", "Pending"}, {"qosClass", "BestEffort"}}}};
}

// A v1.Node with `labels` and extended resources in capacity and allocatable.
inline Json node(const std::string& name, const Strings& labels, const Strings& allocatable) {
  Strings all = allocatable;
  all.emplace("cpu", "192");
  all.emplace("memory", "2063627612Ki");
  all.emplace("pods", "110");
  return {{"metadata", {{"name", name}, {"uid", "node-" + name}, {"labels", labels}, {"creationTimestamp", nullptr}}},
          {"spec", Json::object()},
          {"status", {{"capacity", all}, {"allocatable", all}}}};
}

// ExtenderArgs with NodeNames (nodeCacheCapable: true).
inline Json names_args(const Json& p, const std::vector<std::string>& names) {
  return {{"Pod", p}, {"Nodes", nullptr}, {"NodeNames", names}};
}

// ExtenderArgs with a v1.NodeList (nodeCacheCapable: false).
inline Json nodes_args(const Json& p, const std::vector<Json>& nodes) {
  return {{"Pod", p}, {"Nodes", {{"metadata", Json::object()}, {"items", nodes}}}, {"NodeNames", nullptr}};
}

// ExtenderBindingArgs.
inline Json binding_args(const std::string& ns, const std::string& name, const std::string& uid, const std::string& node) {
  return {{"PodName", name}, {"PodNamespace", ns}, {"PodUID", uid}, {"Node", node}};
}

}  // namespace suanli::k8s_test
