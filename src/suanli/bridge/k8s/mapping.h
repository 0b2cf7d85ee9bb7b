// Mapping: how Kubernetes objects translate into suanli's vocabulary (the
// README's "Kubernetes" section documents every field with its default).
//
//   tenant        the pod's label (or annotation) `tenant_key`, else
//                 namespaces[the pod's namespace], else the namespace itself
//                 when namespace_is_tenant; it must be a tenant of the service
//   job           pod annotations under `annotation_prefix` (suanli.io/class,
//                 model, kind, precision, stacks, devices, share, slo-tokens-per-s,
//                 slo-tpot-ms, work-tokens, duration, priority, and job: a whole
//                 job description as JSON), decoded by the same decoder as
//                 POST /v1/jobs; the device count is the pod's request of a
//                 resource below; stacks default to the stacks of the chips
//                 that resource counts (cuda for nvidia.com/gpu)
//   accelerator   the first node label of `model_labels` present (a catalog
//                 id or alias; a vendor prefix such as "NVIDIA-" is ignored),
//                 else the model of suanli's fleet node of that name
//   devices       the node's allocatable count of the resource that counts
//                 its vendor's chips, else the fleet node's size
//   origin        from the catalog, never from a label
//
// Plain value type; thread-compatible. read_mapping validates against the
// catalog and throws InputError located by JSON path.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/job.h"
#include "suanli/model/time.h"
#include "suanli/wire/json_reader.h"

namespace suanli::bridge::k8s {

struct Mapping {
  // --- tenant -------------------------------------------------------------------
  std::string tenant_key = "suanli.io/tenant";       // pod label, else annotation
  std::map<std::string, std::string> namespaces;     // namespace -> tenant
  bool namespace_is_tenant = true;                   // else a pod with neither is refused

  // --- job ----------------------------------------------------------------------
  std::string annotation_prefix = "suanli.io/";
  // Used only where neither the pod's class nor an annotation says: the kind
  // of work, and its amount (the amount only scales the modelled runtime,
  // which ranks the accelerators of one pod, so the ranking does not depend on it).
  JobKind default_kind = JobKind::BatchInfer;
  double default_work_tokens = 1e9;
  Seconds default_duration = kDay;                   // serve pods

  // --- nodes ----------------------------------------------------------------------
  std::vector<std::string> model_labels = {"suanli.io/accelerator"};
  // Extended resource -> the vendor whose chips it counts (catalog vendor names).
  std::map<std::string, std::string> resources = {
      {"nvidia.com/gpu", "NVIDIA"},          {"huawei.com/Ascend910", "Huawei"},
      {"huawei.com/Ascend910B", "Huawei"},   {"cambricon.com/mlu", "Cambricon"},
      {"hygon.com/dcu", "Hygon"},            {"kunlunxin.com/xpu", "Kunlunxin"},
      {"metax-tech.com/gpu", "MetaX"},       {"iluvatar.ai/gpu", "Iluvatar"},
      {"mthreads.com/gpu", "Moore Threads"}, {"birentech.com/gpu", "Biren"},
  };
  std::string origin_label = "suanli.io/origin";     // printed by `suanli k8s labels`

  // The resource that counts `vendor`'s chips on a node (the first in name
  // order), or "" when none does.
  std::string resource_of(const std::string& vendor) const;
  // Whether `resource` (an extended resource name) lies in the domain of a
  // mapped resource ("nvidia.com/mig-1g" does): an accelerator the mapping
  // does not know, rather than an unrelated resource.
  bool accelerator_domain(const std::string& resource) const;
};

// The defaults with the fields `r` gives over them. `resources` merges (a
// null value removes a default entry); every vendor must be a catalog vendor.
Mapping read_mapping(const wire::JsonReader& r, const Catalog& catalog);
// The mapping as read_mapping reads it (`suanli k8s mapping` prints the defaults).
wire::Json mapping_json(const Mapping& m);

}  // namespace suanli::bridge::k8s
