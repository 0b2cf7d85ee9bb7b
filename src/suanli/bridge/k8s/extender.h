// Extender: suanli as a kube-scheduler extender (filter, prioritize, bind;
// DESIGN.md section 9: bridges translate, they do not decide).
//
// filter and prioritize are queries: the pod becomes a tenant and a job
// shape (Mapping), each candidate node an accelerator model and a device
// count, and one consistent read of the live state gives what the scheduler
// itself would use: the policy (policy/: judge_rules, judge_cap), the
// capability of each model (policy/capability.h, the performance model), the
// gap analysis over suanli's fleet plus the request's nodes, the imported
// devices in use and the tenant's quota. Nothing is logged.
//
//   filter      each node is allowed, or refused with its rule and reason.
//               Refusals that no preemption or wait can change (an unknown
//               model, a rule that does not depend on load: ported-stack,
//               cii-domestic-only, gap-only; a node that is lost) go to
//               FailedAndUnresolvableNodes, so kube-scheduler does not evict
//               pods for nothing; load-dependent ones (imported-cap, the
//               tenant's quota, a drained node) to FailedNodes. This is
//               suanli's own split of infeasible (reject) and unavailable (wait).
//   prioritize  allowed nodes ranked as the scheduler ranks models: domestic
//               first (every node passed the SLO in filter), then the shorter
//               modelled runtime, then less energy; scores 0..10
//               (MaxExtenderPriority): domestic 10 down to 6, imported 4 down
//               to 0, equal keys equal scores; refused nodes 0.
//   bind        a command like any other: Submit pinned to the chosen node
//               (sched/scheduler.h, pinned arrivals), executed and durable
//               before the answer; the scheduler places it there or rejects it
//               with the reason, judging the imported cap at that moment in the
//               log's order. Then the Binder binds the pod in Kubernetes; if
//               that fails, the job is cancelled in suanli. Its external_id is
//               "k8s/<pod uid>", so a retried bind is the same job ("#2", "#3"
//               after an earlier attempt ended, e.g. refused). The pod's shape
//               comes from the filter call for its UID (kube-scheduler's bind
//               args carry no pod); a bind for a pod never filtered is refused
//               and kube-scheduler retries the whole cycle.
//
// A pod that requests no accelerator (no mapped resource, no suanli.io/
// annotation) is not suanli's business: every node passes, scores 0, and
// bind only binds it. Bad pods and nodes (no tenant, an unknown model or
// resource, an annotation that does not decode) are refused with the reason;
// bodies that are not the wire types throw InputError (HTTP 400 with the path).
//
// Thread-safe: any number of request threads; the live state is read under
// the service's shared lock, judged outside it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "suanli/bridge/k8s/binder.h"
#include "suanli/bridge/k8s/mapping.h"
#include "suanli/bridge/k8s/objects.h"
#include "suanli/live/live_state.h"
#include "suanli/policy/policy.h"
#include "suanli/server/service.h"

namespace suanli::bridge::k8s {

struct ExtenderOptions {
  bool bind = false;                 // serve the bind verb
  std::size_t remembered_pods = 20000;  // pods kept from filter for bind (oldest forgotten first)
};

// A pod in suanli's words, or why it cannot be judged.
struct PodRequest {
  std::string ns, name, uid;
  bool accelerated = false;  // asks for accelerator devices: suanli judges it
  std::string tenant;
  JobClass shape;            // tenant inside
  std::string class_name;
  std::string resource;      // the accelerator resource it requests ("" if the devices come from annotations)
  std::string refusal;       // not empty: every node is refused with this reason
};

// One candidate node, as suanli sees it.
struct NodeTarget {
  std::string name;
  const Accelerator* accelerator = nullptr;
  int devices = 0;              // devices of its model the node has (0: unknown)
  std::string resource;         // the mapped resource it offers those devices as ("" if none)
  std::optional<live::NodeStatus> status;  // when it is a node of suanli's fleet
  std::string status_reason;
  std::string problem;          // not empty: refused (unresolvable) with this reason
};

struct NodeVerdict {
  enum class Result { Allowed, Failed, Unresolvable };
  Result result = Result::Allowed;
  std::string reason;           // refused: "suanli: <rule>: <reason>"
  bool imported = false;        // allowed: the ranking key
  double runtime_s = 0;
  double energy_j = 0;
};

// What a read of the live state gives one judgement.
struct Snapshot {
  PolicySpec policy;
  std::vector<Tenant> tenants;
  std::vector<Policy::FleetModel> fleet_models;  // alive models of suanli's fleet, devices summed
  int fleet_devices = 0;
  double fleet_imported_in_use = 0;
  double tenant_imported_in_use = 0;
  double tenant_devices_in_use = 0;
  std::vector<NodeTarget> nodes;                  // the request's, in its order
};

class Extender {
 public:
  // `service` and `binder` must outlive the extender.
  Extender(server::Service& service, Mapping mapping, ExtenderOptions options, std::unique_ptr<Binder> binder);

  // Bodies in, bodies out, in the upstream wire format (see objects.h).
  // Throw InputError for a body that is not the type.
  Json filter(const Json& args);
  Json prioritize(const Json& args);
  // `actor` names the caller in the log (a token id).
  Json bind(const Json& args, const std::string& actor);

  const Mapping& mapping() const { return mapping_; }
  const ExtenderOptions& options() const { return options_; }
  const Binder& binder() const { return *binder_; }

  // --- the stages, public for tests and the benchmark -------------------------
  // The pod in suanli's words and the nodes' targets, from one read.
  std::pair<PodRequest, Snapshot> read(const ExtenderArgs& args) const;
  // Pure: the verdict on each node of `snap`, in its order.
  std::vector<NodeVerdict> judge(const PodRequest& pod, const Snapshot& snap) const;
  // Scores 0..10 for `verdicts` (see above).
  static std::vector<std::int64_t> scores(const std::vector<NodeVerdict>& verdicts);

 private:
  PodRequest translate(const PodObject& pod, const live::LiveState& s) const;
  NodeTarget target(const NodeObject& node, const live::LiveState& s) const;
  void remember(const PodRequest& pod);
  std::optional<PodRequest> recall(const std::string& uid) const;
  std::string bind_recorded(const BindingArgs& b, const PodRequest& pod, const std::string& actor);

  server::Service* service_;
  Mapping mapping_;
  ExtenderOptions options_;
  std::unique_ptr<Binder> binder_;
  std::unordered_map<std::string, std::vector<std::string>> vendor_stacks_;  // vendor -> stacks of its chips

  mutable std::mutex pods_mu_;
  std::unordered_map<std::string, PodRequest> pods_;  // by UID
  std::deque<std::string> pod_order_;
};

}  // namespace suanli::bridge::k8s
