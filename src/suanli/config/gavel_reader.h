// Readers for Gavel's data files and for users' own throughput measurements
// (model/gavel.h). Formats: ../shared/data/peers/gavel/README.md.
//
//  - simulation_throughputs.json: {worker_type: {"('<job type>', <sf>)":
//    {"null": steps/s, "('<other>', <sf>)": [a, b], ...}}}. Only the "null"
//    (isolated) values are read; co-location pairs are skipped. Entries are
//    keyed by Gavel's worker name ("v100", "k80_unconsolidated"), devices =
//    scale factor, source "gavel:simulation_throughputs.json".
//  - Gavel trace: tab-separated, one job per line, no header, in either of
//    Gavel's layouts (told apart by the number of fields):
//      10: job_type, command, working_directory, num_steps_arg,
//          needs_data_dir, total_steps, scale_factor, priority_weight, SLO,
//          arrival_time (traces/physical_cluster, generate_trace.py);
//       7: job_type, command, num_steps_arg, needs_data_dir, total_steps,
//          arrival_time, scale_factor (its msr traces; priority 1, no SLO).
//    arrival_time is seconds in decimal notation, whole or fractional as
//    Gavel writes it ("46317", "1234.567890"), kept exactly as integer
//    microseconds; digits beyond the sixth decimal round to the nearest
//    microsecond (half up). The cluster-only fields are ignored. Blank lines
//    are skipped.
//  - Throughput CSV (suanli's format for measurements), with one of the headers
//        job_type,accelerator,devices,steps_per_s,source    (Gavel replay)
//        job_type,accelerator,devices,tokens_per_s,source   (job classes)
//    which sets the table's unit; one measurement per line; fields may be
//    double-quoted (RFC 4180, "" for a quote) so a job type may hold commas;
//    '#' starts a comment line. `accelerator` is a catalog id or any
//    worker-type name used in --cluster; the rate is >= 0 (0 = cannot run);
//    source must not be empty; a repeated (job_type, accelerator, devices) is
//    an error.
//
// Errors are InputError("<file>:<line>", "field 'x': found '...', expected
// ..."); JSON errors name the file, the line and the worker type and key.
// Pure functions of their input; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/gavel.h"

namespace suanli::config {

// A Gavel tuple key "('ResNet-50 (batch size 64)', 1)": a Python string
// literal (single or double quotes; escapes \\ \' \" \n \t) and an integer,
// in parentheses, optional trailing comma and spaces. Throws
// InputError(where, "key \"...\": at character N: found ..., expected ...").
struct TupleKey {
  std::string job_type;
  int scale_factor = 0;
};
TupleKey parse_tuple_key(std::string_view key, const std::string& where);

trace::ThroughputTable parse_gavel_throughputs(std::string_view json_text, const std::string& file);
std::vector<trace::GavelJob> parse_gavel_trace(std::string_view text, const std::string& file);
trace::ThroughputTable parse_throughput_csv(std::string_view text, const std::string& file);

// Read and parse a file; a missing or unreadable file is an InputError.
trace::ThroughputTable read_gavel_throughputs(const std::string& path);
std::vector<trace::GavelJob> read_gavel_trace(const std::string& path);
trace::ThroughputTable read_throughput_csv(const std::string& path);
// By extension: ".json" -> Gavel's JSON, anything else -> the CSV format.
trace::ThroughputTable read_throughputs(const std::string& path);

// Gavel's worker types and the catalog ids they stand for: v100 -> v100-16gb,
// p100 -> p100, k80 -> k80 (the *_unconsolidated variants map to the same).
const std::vector<trace::GavelWorkerType>& gavel_worker_types();

}  // namespace suanli::config
