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
      "  suanli estimate --model deepseek-v3 --task serve --batch 32 --accelerator h20,h200,ascend-910c\n"
      "  suanli estimate --model llama-3.1-405b --task train --devices 8192 --seq 8192 --global-batch 2048\n"
      "Tasks: train (tokens/s, step time, MFU), prefill (TTFT), decode (TPOT), serve (prefill + decode).\n"
      "A chip without the requested precision runs at its best supported one (marked *).");
  struct Options {
    std::string model;
    std::string task = "decode";
    std::string precision = "bf16";
    std::vector<std::string> accelerators;
    Workload w;
    bool json = false;
    bool csv = false;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("--model,-m", o->model, "Model id from the zoo (`suanli catalog models`)")->required();
  cmd->add_option("--task,-t", o->task, "train | prefill | decode | serve")->capture_default_str();
  cmd->add_option("--precision,-p", o->precision, "bf16 | fp8 | int8 | fp4")->capture_default_str();
  cmd->add_option("--batch,-b", o->w.batch, "Concurrent sequences (prefill, decode, serve)")->capture_default_str();
  cmd->add_option("--input", o->w.input_tokens, "Prompt tokens per sequence")->capture_default_str();
  cmd->add_option("--output", o->w.output_tokens, "Generated tokens per sequence")->capture_default_str();
  cmd->add_option("--seq", o->w.seq_len, "Training sequence length")->capture_default_str();
  cmd->add_option("--global-batch", o->w.global_batch, "Training sequences per optimizer step")->capture_default_str();
  cmd->add_option("--devices,-n", o->w.devices, "Devices to use (default: the fewest that fit)");
  cmd->add_option("--accelerator,-a", o->accelerators, "Only these accelerators (comma-separated ids)")->delimiter(',');
  auto* json = cmd->add_flag("--json", o->json, "Print JSON");
  cmd->add_flag("--csv", o->csv, "Print CSV")->excludes(json);

  cmd->callback([&ctx, o] {
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
