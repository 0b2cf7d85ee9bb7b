// Fleet and tenants: who owns which devices, and who uses them.
//
// Plain value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suanli/model/time.h"

namespace suanli {

// A group of identical nodes: `count` hosts of `devices_per_node` devices of
// one accelerator model, in one zone and interconnect domain, present from
// `join` until `retire` (if set). Nodes are named "<group>-<n>" (n from 1).
struct NodeGroup {
  std::string id;
  std::string accelerator;  // catalog id
  int count = 1;
  int devices_per_node = 8;
  std::string zone = "default";
  std::string domain = "default";  // interconnect domain (multi-node jobs prefer one)
  Seconds join = 0;
  std::optional<Seconds> retire;
  std::string note;  // why these numbers (scenarios document their choices)

  bool operator==(const NodeGroup&) const = default;
};

struct Tenant {
  std::string name;
  std::string sector;            // telecom, energy, finance, transport, government, internet, education, ...
  int priority = 0;              // higher runs first
  int quota_devices = 0;         // at most this many devices at once; 0 = no quota
  double domestic_target = 0.0;  // share of its device-hours on domestic chips it must reach (0..1)
  std::string note;

  bool operator==(const Tenant&) const = default;
};

}  // namespace suanli
