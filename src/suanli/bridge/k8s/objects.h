// The Kubernetes side of the wire: the kube-scheduler extender types of
// k8s.io/kube-scheduler/extender/v1 and the parts of core/v1 Pod and Node
// that suanli reads, decoded from JSON.
//
// The extender types carry no JSON tags, so kube-scheduler (Go's
// encoding/json) writes their Go field names ("Pod", "Nodes", "NodeNames",
// "FailedNodes", "Host", "Score", "PodUID", ...) and reads keys
// case-insensitively. Decoding here does the same: the exact key first, else
// one that differs only in case. Pod and Node use their own JSON tags
// ("metadata", "spec", "status", ...). Unknown fields are ignored, as the
// Kubernetes API does across versions. A value of the wrong type is an
// InputError located by JSON path ("$.Nodes.items[3].metadata.name: found a
// number, expected a string"); the HTTP layer answers it with 400.
//
// Thread-safe (no state). Decoded objects refer to nothing in the JSON except
// NodeObject::raw, which points into the request body (kept alive by the caller).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/wire/json_reader.h"

namespace suanli::bridge::k8s {

using wire::Json;

// The member `key` of object `obj` as Go's encoding/json finds it (exact,
// else case-insensitive), or nullptr when absent.
const Json* member(const Json& obj, std::string_view key);

struct PodObject {
  std::string name;
  std::string ns;  // metadata.namespace
  std::string uid;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  // Extended resources (names with a '/') the pod requests: per resource,
  // the larger of the containers' sum and any one init container (a
  // container's request, else its limit, as the API server defaults it).
  std::map<std::string, std::int64_t> requests;
  // Quantities that are not a whole number of devices ("500m"): resource -> as written.
  std::map<std::string, std::string> bad_quantities;
};

struct NodeObject {
  std::string name;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::int64_t> allocatable;  // extended resources (status.allocatable, else capacity)
  const Json* raw = nullptr;                        // the Node as sent (full-node requests only)
};

// ExtenderArgs {Pod, Nodes (v1.NodeList) | NodeNames}.
struct ExtenderArgs {
  PodObject pod;
  bool names_only = false;        // NodeNames was sent (nodeCacheCapable: true)
  std::vector<NodeObject> nodes;  // names only: just the name
};

// ExtenderBindingArgs {PodName, PodNamespace, PodUID, Node}.
struct BindingArgs {
  std::string pod_name;
  std::string pod_namespace;
  std::string pod_uid;
  std::string node;
};

// Throw InputError (located) for a body that is not of the type.
ExtenderArgs read_extender_args(const Json& body);
BindingArgs read_binding_args(const Json& body);
PodObject read_pod(const Json& pod, const std::string& path);
NodeObject read_node(const Json& node, const std::string& path);

// A Kubernetes quantity that is a whole number ("8", 8, "2k"), or -1.
std::int64_t whole_quantity(const Json& q);

}  // namespace suanli::bridge::k8s
