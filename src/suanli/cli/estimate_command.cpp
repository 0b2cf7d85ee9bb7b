// `suanli estimate`: what does workload W do on each accelerator?
#include <fmt/format.h>

#include "suanli/cli/command.h"
#include "suanli/model/error.h"
#include "suanli/perf/estimate.h"
#include "suanli/report/estimate_report.h"

namespace suanli::cli {

void add_estimate_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("estimate", "Estimate a workload on every accelerator (or some), best first");
  cmd->footer(
      "Examples:\n"
      "  suanli estimate --model llama-3.1-70b --task decode --batch 64 --input 2048 --output 256 --precision fp8\n"
      "  suanli estimate --model llama-3.1-70b --task serve --input 1000 --output 1000 --precision fp8 --devices 2\n"
      "  suanli estimate --model deepseek-v3 --task serve --precision fp8 --tpot-ms 50 --ttft-ms 2000 --ep 16 \\\n"
      "      --mtp 1 --accept 0.85 --disaggregated --accelerator h20,h800,ascend-910c\n"
      "  suanli estimate --model llama-3.1-405b --task train --devices 8192 --seq 8192 --global-batch 2048\n"
      "Tasks: train (tokens/s, step time, MFU), prefill (TTFT), decode (TPOT), serve (continuous batching in the\n"
      "steady state: offline = the largest batch memory allows; slo = the largest within --ttft-ms/--tpot-ms).\n"
      "A chip without the requested precision runs at its best supported one (marked *).");
  struct Options {
    std::string model;
    std::string task = "decode";
    std::string precision = "bf16";
    std::string mode;
    std::vector<std::string> accelerators;
    Workload w;
    bool json = false;
    bool csv = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--model,-m", o->model, "Model id from the zoo (`suanli catalog models`)")->required();
  cmd->add_option("--task,-t", o->task, "train | prefill | decode | serve")->capture_default_str();
  cmd->add_option("--precision,-p", o->precision, "bf16 | fp8 | int8 | fp4")->capture_default_str();
  auto* batch = cmd->add_option("--batch,-b", o->w.batch,
                                 "Concurrent sequences (prefill, decode; default 1); serve: at most this many in flight "
                                 "per replica (default: no cap)");
  cmd->add_option("--input", o->w.input_tokens, "Prompt tokens per sequence (serve: the mean)")->capture_default_str();
  cmd->add_option("--output", o->w.output_tokens, "Generated tokens per sequence (serve: the mean)")->capture_default_str();
  cmd->add_option("--mode", o->mode, "serve: offline | slo (default: slo when --ttft-ms or --tpot-ms is given)");
  cmd->add_option("--ttft-ms", o->w.max_ttft_ms, "serve: time-to-first-token limit, ms");
  cmd->add_option("--tpot-ms", o->w.max_tpot_ms, "serve: time-per-output-token limit, ms");
  cmd->add_flag("--disaggregated", o->w.disaggregated, "serve: prefill and decode on separate pools of the chip");
  cmd->add_option("--tp", o->w.tp, "Tensor-parallel degree, pipeline stages filling the devices (default: chosen)");
  cmd->add_option("--ep", o->w.ep, "MoE: expert-parallel group, data-parallel attention (default: chosen)");
  cmd->add_option("--redundant-experts", o->w.redundant_experts, "MoE with --ep: extra expert copies for balance");
  cmd->add_option("--mtp", o->w.draft_tokens, "Draft tokens per step (MTP or speculative decoding)");
  cmd->add_option("--accept", o->w.acceptance, "Acceptance rate of each draft token, 0 to 1");
  cmd->add_option("--seq", o->w.seq_len, "Training sequence length")->capture_default_str();
  cmd->add_option("--global-batch", o->w.global_batch, "Training sequences per optimizer step")->capture_default_str();
  cmd->add_option("--devices,-n", o->w.devices, "Devices to use (default: the fewest that fit)");
  cmd->add_option("--accelerator,-a", o->accelerators, "Only these accelerators (comma-separated ids)")->delimiter(',');
  auto* json = cmd->add_flag("--json", o->json, "Print JSON");
  cmd->add_flag("--csv", o->csv, "Print CSV")->excludes(json);

  cmd->callback([&ctx, o, batch] {
    const Catalog& c = ctx.catalog();
    const ModelSpec& m = c.model(o->model, "--model");
    auto task = parse_task(o->task);
    if (!task) throw InputError("--task", fmt::format("found '{}', expected train, prefill, decode or serve", o->task));
    auto precision = parse_precision(o->precision);
    if (!precision) {
      throw InputError("--precision", fmt::format("found '{}', expected bf16, fp16, fp8, int8 or fp4", o->precision));
    }
    Workload w = o->w;
    w.task = *task;
    w.precision = *precision;
    if (batch->count() == 0 && w.task == Task::Serve) w.batch = 0;
    if (batch->count() > 0 && w.batch <= 0) throw InputError("--batch", fmt::format("must be a positive integer, got {}", w.batch));
    const bool slo_given = w.max_ttft_ms > 0 || w.max_tpot_ms > 0;
    if (o->mode.empty()) {
      w.mode = slo_given ? ServeMode::Slo : ServeMode::Offline;
    } else if (o->mode == "offline" || o->mode == "slo") {
      w.mode = o->mode == "slo" ? ServeMode::Slo : ServeMode::Offline;
    } else {
      throw InputError("--mode", fmt::format("found '{}', expected offline or slo", o->mode));
    }
    if (w.task != Task::Serve && (slo_given || w.disaggregated || !o->mode.empty())) {
      throw InputError("--task", fmt::format("--mode, --ttft-ms, --tpot-ms and --disaggregated apply to serve, not {}",
                                             name(w.task)));
    }
    validate(w, m);

    std::vector<Accelerator> chosen;
    if (o->accelerators.empty()) {
      chosen = c.accelerators;
    } else {
      for (const std::string& id : o->accelerators) chosen.push_back(c.accelerator(id, "--accelerator"));
    }
    const std::vector<Estimate> rows = estimate_all(w, m, chosen, c.perf);
    if (o->json) return write_output(report::estimates_json(rows, w, m), "");
    const report::Table t = report::estimate_table(rows, w);
    if (o->csv) return write_output(t.csv(), "");
    write_output(fmt::format("{}\n\n{}\n* = requested precision not supported; ran at the one shown. "
                             "bound: what limits a step. `--json` gives the full breakdown.\n",
                             report::describe(w, m), t.render()),
                 "");
  });
}

}  // namespace suanli::cli
