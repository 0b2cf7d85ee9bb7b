// Reasons as data: why the policy says what it says (Verdict) and why the
// scheduler decided what it did (Reason), in a language-neutral form that
// holds everything a sentence needs (rule ids, accelerator ids, devices,
// shares, priorities, durations, names), rendered into words only when a
// person or a file needs them.
//
// The scheduler builds these on its hot path without formatting any text; the
// simulator's event log, the service's decision JSON, the explain view and
// the reports render them in English or Chinese through policy/reason_text.h,
// which takes the PolicySpec the decision was made under (a rule's own
// one-line reason is policy data).
//
// Plain value types; thread-compatible. Rendering is pure and thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/time.h"

namespace suanli {

// The sovereignty policy's rule ids, as audits quote them (policy/policy.h).
namespace rule {
inline constexpr std::string_view kPortedStack = "ported-stack";
inline constexpr std::string_view kCiiDomesticOnly = "cii-domestic-only";
inline constexpr std::string_view kGapOnly = "gap-only";
inline constexpr std::string_view kImportedCap = "imported-cap";
}  // namespace rule

// Why a verdict allows or denies, with the parameters its sentence needs.
enum class VerdictWhy : std::uint8_t {
  Domestic,         // allowed: a domestic accelerator
  GapJob,           // allowed: no domestic accelerator in the fleet can run the job
  ImportedAllowed,  // allowed: imported, and gap-only does not apply
  WithinCap,        // allowed by imported-cap
  CriticalTenant,   // denied by cii-domestic-only: `tenant` of `sector`
  DomesticCan,      // denied by gap-only: the domestic models in `domestic` can run the job
  FleetCap,         // denied by imported-cap: fleet in use would be `in_use` of `limit` (`cap_share` of `fleet_devices`)
  TenantCap,        // denied by imported-cap: `tenant`'s in use would be `in_use` of `limit`
};

// The policy's word on (job, accelerator model).
struct Verdict {
  std::string accelerator{};
  bool allowed = true;
  std::string_view rule{};  // one of rule::k* ("" when allowed by all)
  VerdictWhy why = VerdictWhy::Domestic;
  std::string tenant{};     // CriticalTenant, TenantCap
  std::string sector{};     // CriticalTenant
  // DomesticCan: accelerator ids (shared: one list per job class and fleet).
  std::shared_ptr<const std::vector<std::string>> domestic{};
  double in_use = 0;      // FleetCap, TenantCap: imported devices in use after the placement
  double limit = 0;       // FleetCap, TenantCap: imported devices allowed
  double cap_share = 0;   // FleetCap: the fleet cap as a share of the fleet
  int fleet_devices = 0;  // FleetCap

  bool operator==(const Verdict& o) const;
};

// The verdicts behind a decision, in order: an immutable list, shared by the
// copies of a decision and by the decisions that quote the same verdicts (a
// class's placements on one model under one fleet), so that a decision
// carries its verdict trail for the cost of a reference count, not a copy.
// Reads like a const std::vector<Verdict>; built from one.
class VerdictList {
 public:
  VerdictList() = default;
  VerdictList(std::vector<Verdict> verdicts)  // NOLINT(google-explicit-constructor): a vector converts
      : list_(verdicts.empty() ? nullptr : std::make_shared<const std::vector<Verdict>>(std::move(verdicts))) {}
  VerdictList(std::initializer_list<Verdict> verdicts) : VerdictList(std::vector<Verdict>(verdicts)) {}

  const std::vector<Verdict>& list() const;
  auto begin() const { return list().begin(); }
  auto end() const { return list().end(); }
  std::size_t size() const { return list().size(); }
  bool empty() const { return list().empty(); }
  const Verdict& front() const { return list().front(); }
  const Verdict& operator[](std::size_t i) const { return list()[i]; }
  bool operator==(const VerdictList& o) const { return list_ == o.list_ || list() == o.list(); }

 private:
  std::shared_ptr<const std::vector<Verdict>> list_;  // null: empty
};

// One accelerator model's part of why a job waits or cannot run at all.
struct ReasonPart {
  enum class Kind : std::uint8_t {
    Busy,       // no capacity free: `devices` whole devices, or (milli > 0) a share with `mem_mib`
    Quota,      // the tenant's quota of `count` devices is reached
    Capped,     // denied by imported-cap at the current load
    Denied,     // denied by `rule`, whatever the load
    CannotRun,  // cannot run it at all: `text` (the performance model's reason; with `rule`
                // rule::kPortedStack, the job is not ported and `text` is the chip's software stack)
    TooFew,     // needs `devices` devices, the fleet has `count`
  };
  Kind kind = Kind::Busy;
  std::string accelerator{};
  std::string_view rule{};  // Denied; CannotRun: kPortedStack when not ported
  int devices = 0;        // Busy (whole), TooFew
  int milli = 0;          // Busy (a share)
  int mem_mib = 0;        // Busy (a share)
  int count = 0;          // Quota, TooFew
  std::string text{};       // CannotRun
  bool operator==(const ReasonPart&) const = default;
};

// Why a decision was made, or why a job is where it is.
struct Reason {
  enum class Code : std::uint8_t {
    None,
    Queued,          // waiting, not yet considered by a pass
    Placed,          // on `accelerator` (a `milli` share if > 0), by the Decision's first verdict
    Waits,           // `parts` (none: nothing can run it now)
    Preempted,       // by job `job`, priority `priority` > `other` (the victim's)
    GroupLeft,       // displaced: the nodes of group `name` left the fleet
    NodesDown,       // displaced: node `name` (or `count` nodes) drained (`drain`) or failed; `text` why
    NotInFleet,      // pinned to node `name`, which is not in the fleet
    NodeOut,         // pinned to node `name`, which is out of placement
    PinnedDenied,    // pinned: the Decision's first verdict denies `accelerator`
    NodeTooSmall,    // pinned: `accelerator` needs `devices` devices, node `name` has `count`
    CannotRunOn,     // pinned: `accelerator` cannot run it: `text`
    QuotaReached,    // the tenant's quota of `count` devices is reached
    NoRoomForShare,  // pinned: node `name` has no room for a `milli` share
    NodeBusy,        // pinned: node `name` has `count` free devices, `devices` needed
    NoAccelerators,  // rejected: the fleet has no accelerators
    NotInService,    // rejected: it asks for the models in `asked` only, and none of them is in service
    NothingCanRun,   // rejected: `parts` (CannotRun, TooFew) for every model of the fleet
    NothingAllowed,  // rejected: `parts` (CannotRun, TooFew, then Denied)
    // The live service's ends of a job (live/live_state.h): `text` is the note given.
    Finished,
    Failed,
    Cancelled,
  };
  Code code = Code::None;
  std::string accelerator{};
  std::string name{};          // a node or node group
  std::string text{};          // a label or note; CannotRunOn: the performance model's words, or the stack
  std::string_view rule{};     // CannotRunOn: rule::kPortedStack when the job is not ported (`text` is the stack)
  std::int64_t job = 0;      // Preempted: the preempting job
  int priority = 0;          // Preempted: the preempting job's
  int other = 0;             // Preempted: the victim's
  int devices = 0;
  int milli = 0;
  int count = 0;
  bool drain = false;        // NodesDown
  bool not_requeued = false; // a displaced pinned job, rejected rather than requeued
  std::vector<ReasonPart> parts{};
  std::vector<std::string> asked{};  // NotInService: the accelerator models the job asks for
  bool operator==(const Reason&) const = default;

  // A displacement (GroupLeft, NodesDown), as opposed to a preemption.
  bool displaced() const { return code == Code::GroupLeft || code == Code::NodesDown; }
};

}  // namespace suanli
