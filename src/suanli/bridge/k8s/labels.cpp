#include "suanli/bridge/k8s/labels.h"

#include <cctype>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::bridge::k8s {
namespace {

// A label value Kubernetes accepts: [A-Za-z0-9._-], at most 63, alphanumeric at both ends.
std::string label_value(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '-';
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(out.begin());
  return out;
}

bool valid_node_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return false;
    }
  }
  return std::isalnum(static_cast<unsigned char>(name.front())) && std::isalnum(static_cast<unsigned char>(name.back()));
}

}  // namespace

std::string node_labels(const Scenario& scenario, const Catalog& catalog, const Mapping& mapping, const LabelOptions& options) {
  const std::string key = mapping.model_labels.front();
  const std::string prefix = mapping.annotation_prefix;
  std::string out;
  if (options.format == LabelFormat::Kubectl) {
    out += fmt::format("# suanli k8s labels: scenario {}, {} node groups\n", scenario.name, scenario.fleet.size());
    out += "# Node names are suanli's (<group>-<n>): kube-scheduler's names must match for NodeNames requests and bind.\n";
  }
  for (const NodeGroup& g : scenario.fleet) {
    const Accelerator& a = catalog.accelerator(g.accelerator, "fleet group " + g.id);
    const bool imported = a.origin == Origin::Imported;
    const std::string resource = mapping.resource_of(a.vendor);
    std::vector<std::pair<std::string, std::string>> labels = {
        {key, a.id},
        {mapping.origin_label, imported ? "imported" : "domestic"},
        {prefix + "vendor", label_value(a.vendor)},
        {prefix + "zone", label_value(g.zone)},
        {prefix + "domain", label_value(g.domain)},
        {prefix + "node-group", label_value(g.id)},
    };
    if (options.format == LabelFormat::Kubectl) {
      out += fmt::format("\n# {}: {} x {} nodes of {} ({}, {}); the device plugin should advertise {} {}\n", g.id, g.count,
                         g.devices_per_node, a.name, a.vendor, imported ? "imported" : "domestic", g.devices_per_node,
                         resource.empty() ? "(no resource of the mapping counts this vendor's chips)" : resource);
    }
    for (int n = 1; n <= g.count; ++n) {
      const std::string node = fmt::format("{}-{}", g.id, n);
      if (!valid_node_name(node)) {
        throw InputError("fleet group " + g.id, fmt::format("found node name '{}', expected a Kubernetes node name "
                                                            "(lower-case letters, digits, '-' and '.')", node));
      }
      if (options.format == LabelFormat::Kubectl) {
        std::string line = "kubectl label node " + node;
        for (const auto& [k, v] : labels) line += fmt::format(" {}={}", k, v);
        out += line + " --overwrite\n";
        if (options.taint_imported && imported) {
          out += fmt::format("kubectl taint node {} {}=imported:NoSchedule --overwrite\n", node, mapping.origin_label);
        }
      } else {
        out += fmt::format("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: {}\n  labels:\n", node);
        for (const auto& [k, v] : labels) out += fmt::format("    {}: \"{}\"\n", k, v);
        if (options.taint_imported && imported) {
          out += fmt::format("spec:\n  taints:\n  - key: {}\n    value: imported\n    effect: NoSchedule\n", mapping.origin_label);
        }
      }
    }
  }
  return out;
}

}  // namespace suanli::bridge::k8s
