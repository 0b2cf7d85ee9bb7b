// Small vocabulary enums shared by every module, with their canonical names.
//
// Each enum has `name(E)` returning the lower-case spelling used in files,
// flags and JSON, and `parse_<enum>(text)` returning std::nullopt for an
// unknown spelling (the caller reports the error with its location).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace suanli {

// Numeric formats a job can ask for. FP16 is treated as BF16 (same dense rate
// on every chip in the catalog).
enum class Precision { BF16, FP8, INT8, FP4 };

// Where a chip comes from, for the sovereignty policy.
enum class Origin { Domestic, Imported };

// Confidence grade of a published figure: H official, M corroborated, L weak.
// Ordered from best to worst so that max() gives the lowest grade.
enum class Grade { H, M, L, Unknown };

// Direction a chip-to-chip bandwidth figure was published in.
enum class LinkDirection { Bidirectional, Unidirectional, Unclear };

// Phases the performance model estimates.
enum class Task { Train, Prefill, Decode, Serve };

// What limited an estimate.
enum class Bound { Compute, MemoryBandwidth, Interconnect };

std::string_view name(Precision p);
std::string_view name(Origin o);
std::string_view name(Grade g);
std::string_view name(LinkDirection d);
std::string_view name(Task t);
std::string_view name(Bound b);

std::optional<Precision> parse_precision(std::string_view text);
std::optional<Origin> parse_origin(std::string_view text);
std::optional<Grade> parse_grade(std::string_view text);
std::optional<LinkDirection> parse_link_direction(std::string_view text);
std::optional<Task> parse_task(std::string_view text);

// Bits per value of a precision (BF16 16, FP8 8, INT8 8, FP4 4).
int bits(Precision p);
// Bytes per stored weight at a precision (FP4 packs two per byte: 0.5).
double bytes_per_value(Precision p);

// The accepted spellings, for "expected one of ..." messages.
std::span<const std::string_view> precision_names();
std::span<const std::string_view> task_names();

}  // namespace suanli
