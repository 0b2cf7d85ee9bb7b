#include "suanli/model/decision.h"
#include "suanli/model/event.h"
#include "suanli/model/job.h"

namespace suanli {

std::string_view name(JobKind k) {
  switch (k) {
    case JobKind::Train: return "train";
    case JobKind::Finetune: return "finetune";
    case JobKind::Serve: return "serve";
    case JobKind::BatchInfer: return "batch-infer";
  }
  return "train";
}

std::optional<JobKind> parse_job_kind(std::string_view text) {
  for (JobKind k : {JobKind::Train, JobKind::Finetune, JobKind::Serve, JobKind::BatchInfer}) {
    if (name(k) == text) return k;
  }
  return std::nullopt;
}

std::string_view name(Decision::Kind k) {
  switch (k) {
    case Decision::Kind::Place: return "place";
    case Decision::Kind::Preempt: return "preempt";
    case Decision::Kind::Reject: return "reject";
    case Decision::Kind::Defer: return "defer";
  }
  return "defer";
}

std::string_view name(SupplyEffect e) {
  switch (e) {
    case SupplyEffect::NoNewSupply: return "no-new-supply";
    case SupplyEffect::NoSupport: return "no-support";
    case SupplyEffect::ImmediateLoss: return "immediate-loss";
    case SupplyEffect::Restored: return "restored";
  }
  return "no-new-supply";
}

std::string_view name(Event::Kind k) {
  switch (k) {
    case Event::Kind::JobArrival: return "arrival";
    case Event::Kind::JobFinish: return "finish";
    case Event::Kind::NodesJoin: return "nodes-join";
    case Event::Kind::NodesLeave: return "nodes-leave";
    case Event::Kind::Supply: return "supply";
    case Event::Kind::Tick: return "tick";
    case Event::Kind::JobCancel: return "cancel";
    case Event::Kind::NodeDown: return "node-down";
    case Event::Kind::NodeUp: return "node-up";
    case Event::Kind::TenantSet: return "tenant-set";
  }
  return "tick";
}

}  // namespace suanli
