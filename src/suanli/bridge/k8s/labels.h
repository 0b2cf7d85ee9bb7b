// The node labels and taints that prepare a Kubernetes cluster for the
// extender (`suanli k8s labels`): one entry per node of a scenario's fleet,
// named as suanli names it ("<group>-<n>"), so that kube-scheduler's node
// names, the labels and suanli's fleet agree.
//
//   suanli.io/accelerator  catalog id (the model the extender judges)
//   suanli.io/origin       domestic | imported (from the catalog; informative:
//                          the extender never trusts it)
//   suanli.io/vendor, suanli.io/zone, suanli.io/domain, suanli.io/node-group
//
// With `taint_imported`, imported nodes also get the taint
// suanli.io/origin=imported:NoSchedule: pods that bypass the extender (other
// scheduler profiles) cannot land there, and pods the extender may send there
// need the matching toleration.
//
// Pure; thread-safe.
#pragma once

#include <string>

#include "suanli/bridge/k8s/mapping.h"
#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"

namespace suanli::bridge::k8s {

enum class LabelFormat { Kubectl, Yaml };

struct LabelOptions {
  LabelFormat format = LabelFormat::Kubectl;
  bool taint_imported = false;
};

// The commands (a shell script) or YAML documents for `scenario`'s fleet.
// Throws InputError for a node name Kubernetes would refuse.
std::string node_labels(const Scenario& scenario, const Catalog& catalog, const Mapping& mapping, const LabelOptions& options);

}  // namespace suanli::bridge::k8s
