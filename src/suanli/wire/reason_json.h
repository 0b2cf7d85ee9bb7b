// Reasons as stored data: the structured reason of a decision (model/reason.h)
// in its JSON ("why"), so the audit log keeps the rule ids and parameters and
// a stored decision can be rendered in English or Chinese later, whatever
// language it was first written in.
//
// A decision's JSON (wire::decision_json) carries its English "reason" and,
// since the log's second format, a "why" object beside it (and one in each
// verdict): {"code": "waits", "parts": [{"kind": "busy", "accelerator":
// "h200", "devices": 8}], ...}; members that are zero or empty are left out.
// Logs written before "why" existed keep only the English text: rendered in
// Chinese, it is shown marked "[EN] " (never silently empty).
//
// Thread-safe (no state).
#pragma once

#include "suanli/i18n/lang.h"
#include "suanli/model/decision.h"
#include "suanli/model/policy_spec.h"
#include "suanli/wire/json_reader.h"

namespace suanli::wire {

// The "why" of a decision (its Reason, and for a preemption the time kept).
Json why_json(const Decision& d);
// The "why" of a verdict.
Json why_json(const Verdict& v);

// Reads a decision's "why" members back (from decision_json's output): kind,
// accelerator, violation, reason, kept, elapsed and the verdicts. Throws
// InputError located by JSON path when `r` is not such a decision.
Decision read_decision_why(const JsonReader& r);

// Whether a stored decision's JSON carries "why".
bool has_why(const Json& decision);

// A stored decision's JSON with "reason" (and each verdict's) in `lang`,
// rendered from "why" under `policy`. English from a decision without "why"
// (or with one that does not read back: a damaged record) stays as stored;
// Chinese from one becomes the stored text marked "[EN] ". Never throws
// InputError.
Json localized(Json decision, const PolicySpec& policy, i18n::Lang lang);

// The JSON without its "why" members: what a log written before "why"
// existed stored, so that replaying such a log compares like with like.
Json without_why(Json decision);

}  // namespace suanli::wire
