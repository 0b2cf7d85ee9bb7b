// Slurm hostlist expressions: "ascend-[1-2],h200-1" <-> node names.
//
// Slurm prints node sets in this compressed form (squeue's NodeList, sacct's
// NodeList, a job's required nodes) and accepts a plain comma list anywhere
// it takes one. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace suanli::bridge::slurm {

// The node names of `expr`, in order ("a-[1-3,5]" -> a-1, a-2, a-3, a-5;
// zero-padded ranges keep their width: "n[01-02]" -> n01, n02). "" and
// "(null)" give none. Throws InputError("nodelist", ...) on a malformed one.
std::vector<std::string> expand_hostlist(std::string_view expr);

// A comma list of `names` (what scontrol and job_submit accept).
std::string join_hostlist(const std::vector<std::string>& names);

}  // namespace suanli::bridge::slurm
