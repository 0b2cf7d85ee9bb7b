// InferencePoint: one published inference measurement, the data the inference
// model is fitted on (role fit) or tested against (role test), from
// data/inference_points.yaml.
//
// A point states the system (accelerator, devices, layout), the software, the
// model and precision, the request shape, the scenario measured and the
// figure, with its source and a grade (H official/primary, M corroborated or a
// maintainers' benchmark post, L a single secondary source or a figure whose
// setting is partly unstated). Points are grouped: a group is the unit left
// out together when validating (points from one table on one chip and model
// are not independent).
//
// Plain value types; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/enums.h"

namespace suanli {

enum class PointRole { Fit, Test };

// What was measured.
enum class PointScenario {
  Offline,  // continuous batching at the largest batch (requests queued at once)
  Slo,      // continuous batching under TTFT/TPOT limits
  Decode,   // decode at a fixed batch (sequences per replica)
  Prefill,  // prompts processed in one step (prompts per replica)
};

// Which figure.
enum class PointMetric {
  OutputPerDevice,        // generated tokens/s per device (all devices of the deployment)
  DecodeOutputPerDevice,  // generated tokens/s per device of the decode pool
  InputPerDevice,         // prompt tokens/s per device
  TpotMs,                 // time per output token, ms
};

struct InferenceSource {
  std::string id;
  std::string title;
  std::string url;
  Grade grade = Grade::Unknown;
  std::string note;

  bool operator==(const InferenceSource&) const = default;
};

struct InferencePoint {
  std::string id;
  std::string source;       // InferenceSource id
  std::string group;        // left out together
  PointRole role = PointRole::Fit;
  Grade grade = Grade::Unknown;
  std::string software;     // engine and version
  std::string accelerator;  // catalog id
  std::string model;        // zoo id
  Precision precision = Precision::BF16;
  int devices = 1;          // devices of the replica (one expert-parallel group, or tp x pp)
  int tp = 0;               // tensor-parallel degree (0: the model chooses)
  int ep = 0;               // expert-parallel group (0: the model chooses)
  int redundant_experts = 0;
  int input = 0;            // mean prompt tokens (decode: the mean context when output is 1)
  int output = 0;           // mean generated tokens
  PointScenario scenario = PointScenario::Offline;
  double batch = 0;         // decode, prefill: sequences per replica; offline/slo: cap (0: none)
  double max_tpot_ms = 0;   // slo
  double max_ttft_ms = 0;   // slo
  bool disaggregated = false;
  int draft_tokens = 0;     // MTP / speculative drafts per step
  double accept_length = 1; // mean tokens kept per step (1 + accepted drafts), as published
  PointMetric metric = PointMetric::OutputPerDevice;
  double value = 0;         // the published figure
  std::string note;

  bool operator==(const InferencePoint&) const = default;
};

struct InferencePoints {
  std::vector<InferenceSource> sources;
  std::vector<InferencePoint> points;

  bool operator==(const InferencePoints&) const = default;
};

std::string_view name(PointRole r);
std::string_view name(PointScenario s);
std::string_view name(PointMetric m);

}  // namespace suanli
