// One Slurm submission in suanli's terms (DESIGN.md section 9: bridges
// translate, they do not decide).
//
// job_submit.lua sends job_desc's fields as Slurm holds them at submission
// (SlurmSubmission); this file turns them into the body of a suanli
// submission (the JSON that wire::read_submit reads, as POST /v1/jobs does),
// so that the decision is the one any other door would get. The conventions:
//
//   tenant        the Slurm account (-A, or the user's default account)
//   what it is    --comment=suanli:class=NAME (a class of the scenario), and/or
//                 suanli:model=ID,kind=train|finetune|serve|batch-infer,
//                 precision=bf16|fp8|int8|fp4,stacks=cuda+cann,
//                 work_tokens=N,duration=12h,tokens_per_s=N,tpot_ms=N
//                 (keys separated by ',' and the list ended by a blank; other
//                 text in the comment is left alone)
//   devices       the GPU request: --gres=gpu[:TYPE]:N per node (times -N),
//                 or --gpus=[TYPE:]N for the job; without one, the class's
//                 devices or the performance model's size for its SLO
//   models        a typed request (TYPE = a catalog accelerator id, which is
//                 the GRES type `suanli slurm config` writes) and node
//                 features naming models or origins (-C h200, -C domestic)
//                 restrict where it may run; they never get round the policy
//
// A submission that asks for no GPU and carries no convention is not
// suanli's business (CPU work): submit_body answers nullopt.
//
// Pure functions; thread-safe. Errors are InputError located by the sbatch
// option that caused them ("--gres", "--comment", "-A").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/job.h"
#include "suanli/wire/json_reader.h"

namespace suanli::bridge::slurm {

// job_desc's fields (Slurm's NO_VAL counts arrive as 0).
struct SlurmSubmission {
  std::string account;
  std::string user;
  std::string comment;
  std::string name;
  std::string partition;
  std::string features;
  std::string req_nodes;
  std::string tres_per_node;    // "gres:gpu:h200:2" (--gres)
  std::string tres_per_job;     // "gres:gpu:h200:16" (--gpus)
  std::string tres_per_socket;  // --gpus-per-socket (refused)
  std::string tres_per_task;    // --gpus-per-task (refused)
  int min_nodes = 0;            // 0: not given
  std::string array;            // --array (refused for GPU jobs: one suanli job per Slurm job)
};

// The plugin's JSON ({"account": ..., "tres_per_node": ..., "min_nodes": ...}).
SlurmSubmission read_submission(const wire::JsonReader& r);

struct GpuRequest {
  bool given = false;
  int total = 0;      // devices for the whole job
  std::string type;   // the GRES type asked for; "" = untyped
};
GpuRequest gpu_request(const SlurmSubmission& s);

// The "suanli:k=v,..." part of a comment, in order; present = false without one.
struct Convention {
  bool present = false;
  std::vector<std::pair<std::string, std::string>> fields;
};
Convention parse_convention(std::string_view comment);

// What the submission may run on from its GPU type and node features
// ({} = anything): catalog ids among `fleet` (the catalog ids of the fleet's
// models). A type no catalog knows is an error; one the fleet lacks is kept,
// so that the scheduler rejects it with its reason (and the audit keeps it).
std::vector<std::string> asked_models(const SlurmSubmission& s, const GpuRequest& gpus, const Catalog& catalog,
                                      const std::vector<std::string>& fleet);

// The suanli submission for `s`, or nullopt when the job is not suanli's.
// `classes` are the scenario's (for the error that lists a tenant's);
// `external_id` becomes the submission's idempotency key.
std::optional<wire::Json> submit_body(const SlurmSubmission& s, const Catalog& catalog,
                                      const std::vector<JobClass>& classes, const std::vector<std::string>& fleet,
                                      const std::string& external_id);

// The suanli job id in a job's admin comment ("suanli:job=12,epoch=1"), or 0.
std::int64_t linked_job(std::string_view admin_comment);
std::string link_comment(std::int64_t job);

}  // namespace suanli::bridge::slurm
