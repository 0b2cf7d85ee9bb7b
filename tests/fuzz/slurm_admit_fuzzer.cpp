// POST /v1/slurm/admit bodies, as job_submit.lua sends them: job_desc's
// fields (read_submission), the sbatch conventions they carry (--gres,
// --gpus, --comment=suanli:..., -C) turned into a suanli submission
// (submit_body), and that submission decoded as POST /v1/jobs decodes it.
// Errors located by sbatch option ("--gres") are put in the input,
// "LABEL: --gres", as the property wants them.
#include <algorithm>

#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/bridge/slurm/submission.h"
#include "suanli/wire/codec.h"

namespace {

const std::vector<std::string>& fleet_models() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const auto& g : suanli::fuzz::default_scenario().fleet) {
      if (std::find(out.begin(), out.end(), g.accelerator) == out.end()) out.push_back(g.accelerator);
    }
    return out;
  }();
  return ids;
}

}  // namespace

SUANLI_FUZZ_TARGET(slurm_admit, "admit.json") {
  using namespace suanli;
  const Scenario& sc = fuzz::default_scenario();
  fuzz::decode_body(input, label, [&](const wire::JsonReader& r) {
    const bridge::slurm::SlurmSubmission s = bridge::slurm::read_submission(r);
    std::optional<wire::Json> body;
    try {
      body = bridge::slurm::submit_body(s, fuzz::default_catalog(), sc.classes, fleet_models(), "slurm:1");
    } catch (const InputError& e) {
      throw InputError(std::string(label) + ": " + e.where(), e.message());  // located by sbatch option
    }
    if (body) wire::read_submit(wire::JsonReader(*body, "$"), fuzz::default_catalog(), sc.classes);
  });
}
