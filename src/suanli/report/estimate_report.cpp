#include "suanli/report/estimate_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace suanli::report {
namespace {

std::string ms(double s) { return s > 0 ? fmt_number(s * 1000.0, s < 0.1 ? 2 : 1) : "-"; }

std::string why_column(const Estimate& e) {
  std::string text = e.ok() ? "" : e.why;
  for (const std::string& n : e.notes) text += (text.empty() ? "" : "; ") + n;
  return text;
}

}  // namespace

std::string describe(const Parallelism& p, Task task) {
  if (task != Task::Train && p.ep > 1) return fmt::format("EP{} DP-attn", p.ep);
  std::string s = fmt::format("TP{}", p.tp);
  if (p.pp > 1) s += fmt::format(" PP{}", p.pp);
  if (task == Task::Train) {
    if (p.dp > 1) s += fmt::format(" DP{}", p.dp);
    if (p.ep > 1) s += fmt::format(" EP{}", p.ep);
    if (p.recompute > 0) s += fmt::format(" RC{:.0f}%", p.recompute * 100.0);
  }
  return s;
}

std::string describe(const Workload& w, const ModelSpec& m) {
  std::string devices = w.devices > 0 ? fmt::format("{} devices", w.devices) : "fewest devices that fit";
  if (w.task == Task::Train) {
    return fmt::format("train {} {}, sequence {}, global batch {} ({:.1f}M tokens/step), {}", m.id, name(w.precision),
                       w.seq_len, w.global_batch, w.global_batch * static_cast<double>(w.seq_len) / 1e6, devices);
  }
  if (w.task == Task::Prefill) {
    return fmt::format("prefill {} {}, batch {}, {} input tokens, {}", m.id, name(w.precision), w.batch,
                       w.input_tokens, devices);
  }
  std::string extras;
  if (w.draft_tokens > 0) extras += fmt::format(", {} draft tokens at {:g} acceptance", w.draft_tokens, w.acceptance);
  if (w.ep > 0) extras += fmt::format(", EP{}", w.ep);
  if (w.tp > 0) extras += fmt::format(", TP{}", w.tp);
  if (w.task == Task::Decode) {
    return fmt::format("decode {} {}, batch {}, {} in / {} out tokens{}, {}", m.id, name(w.precision), w.batch,
                       w.input_tokens, w.output_tokens, extras, devices);
  }
  std::string mode = w.mode == ServeMode::Offline ? "offline (largest batch memory allows)" : "under SLOs";
  if (w.max_ttft_ms > 0) mode += fmt::format(" TTFT <= {:g} ms", w.max_ttft_ms);
  if (w.max_tpot_ms > 0) mode += fmt::format(" TPOT <= {:g} ms", w.max_tpot_ms);
  const std::string cap = w.batch > 0 ? fmt::format(", at most {} in flight", w.batch) : "";
  return fmt::format("serve {} {}, {}, mean {} in / {} out tokens{}{}{}, {}", m.id, name(w.precision), mode,
                     w.input_tokens, w.output_tokens, cap, extras, w.disaggregated ? ", prefill/decode disaggregated" : "",
                     devices);
}

Table estimate_table(const std::vector<Estimate>& rows, const Workload& w) {
  const bool train = w.task == Task::Train;
  const bool decode = w.task == Task::Decode || w.task == Task::Serve;
  const bool prefill = w.task == Task::Prefill || w.task == Task::Serve;
  std::vector<Table::Column> cols = {{"accelerator"}, {"origin"}, {"fits"}, {"devices", true}, {"layout"}, {"prec"},
                                     {"tok/s", true}, {"tok/s/dev", true}, {"tok/s/node", true}};
  if (prefill) cols.push_back({"TTFT ms", true});
  if (decode) cols.push_back({"TPOT ms", true});
  if (decode) cols.push_back({"batch", true});
  if (w.task == Task::Serve) cols.push_back({"limit"});
  if (train) {
    cols.push_back({"step s", true});
    cols.push_back({"MFU %", true});
  }
  cols.push_back({"mem GB/dev", true});
  cols.push_back({"bound"});
  cols.push_back({"tok/s/kW", true});
  cols.push_back({"notes"});
  Table t(cols);
  for (const Estimate& e : rows) {
    std::vector<std::string> r;
    const Accelerator& a = *e.accelerator;
    r.push_back(a.id);
    r.push_back(std::string(name(a.origin)));
    if (!e.ok()) {
      r.push_back(e.fit == Fit::UnknownFigure ? "unknown" : e.fit == Fit::SloUnmet ? "slo" : "no");
      while (r.size() + 1 < cols.size()) r.push_back("-");
      r.push_back(why_column(e));
      t.add_row(std::move(r));
      continue;
    }
    r.push_back("yes");
    r.push_back(fmt::format("{}", e.devices));
    r.push_back(describe(e.parallel, w.task));
    r.push_back(std::string(name(e.precision)) + (e.precision_fallback ? "*" : ""));
    r.push_back(fmt_si(e.tokens_per_s));
    r.push_back(fmt_si(e.tokens_per_s_per_device));
    r.push_back(fmt_si(e.tokens_per_s_per_node));
    if (prefill) r.push_back(ms(e.ttft_s));
    if (decode) r.push_back(ms(e.tpot_s));
    if (decode) r.push_back(fmt_number(e.batch, 0));
    if (w.task == Task::Serve) r.push_back(std::string(name(e.limit)));
    if (train) {
      r.push_back(fmt_number(e.step_s, 2));
      r.push_back(fmt_number(e.mfu * 100.0, 1));
    }
    r.push_back(fmt_number(e.mem_per_device_gb, 1));
    r.push_back(std::string(name(e.bound)));
    r.push_back(e.power_known ? fmt_si(e.tokens_per_s_per_kw) : "?");
    r.push_back(why_column(e));
    t.add_row(std::move(r));
  }
  return t;
}

std::string estimates_json(const std::vector<Estimate>& rows, const Workload& w, const ModelSpec& m) {
  using nlohmann::json;
  json list = json::array();
  for (const Estimate& e : rows) {
    json j = {{"accelerator", e.accelerator->id},
              {"origin", name(e.accelerator->origin)},
              {"fits", e.ok()},
              {"fit", name(e.fit)}};
    if (!e.ok()) j["why"] = e.why;
    if (e.ok()) {
      j["devices"] = e.devices;
      j["nodes"] = e.nodes;
      j["parallel"] = {{"tp", e.parallel.tp}, {"pp", e.parallel.pp}, {"dp", e.parallel.dp}, {"ep", e.parallel.ep},
                       {"virtual_stages", e.parallel.vp}, {"recompute_fraction", e.parallel.recompute}};
      j["precision"] = name(e.precision);
      j["precision_fallback"] = e.precision_fallback;
      j["tokens_per_s"] = e.tokens_per_s;
      j["tokens_per_s_per_device"] = e.tokens_per_s_per_device;
      j["tokens_per_s_per_node"] = e.tokens_per_s_per_node;
      j["step_s"] = e.step_s;
      if (w.task != Task::Train && w.task != Task::Decode) j["ttft_s"] = e.ttft_s;
      if (w.task == Task::Decode || w.task == Task::Serve) {
        j["tpot_s"] = e.tpot_s;
        j["batch"] = e.batch;
        j["tokens_per_step"] = e.tokens_per_step;
      }
      if (w.task == Task::Serve) {
        j["limit"] = name(e.limit);
        j["output_tokens_per_s_per_device"] = e.tokens_per_s_per_device;
        j["total_tokens_per_s_per_device"] = e.total_tokens_per_s_per_device;
        if (w.disaggregated) {
          j["decode_tokens_per_s_per_device"] = e.decode_tokens_per_s_per_device;
          j["prefill_tokens_per_s_per_device"] = e.prefill_tokens_per_s_per_device;
          j["prefill_devices_per_decode_device"] = e.prefill_devices_per_decode_device;
        }
      }
      if (w.task == Task::Train) j["mfu"] = e.mfu;
      j["mem_per_device_gb"] = e.mem_per_device_gb;
      j["mem_usable_gb"] = e.mem_usable_gb;
      j["bound"] = name(e.bound);
      j["breakdown_s"] = {{"compute", e.t_compute_s}, {"memory", e.t_memory_s}, {"comm", e.t_comm_s}};
      j["tokens_per_s_per_kw"] = e.power_known ? json(e.tokens_per_s_per_kw) : json(nullptr);
    }
    j["notes"] = e.notes;
    list.push_back(std::move(j));
  }
  json workload = {{"task", name(w.task)},        {"model", m.id},         {"precision", name(w.precision)},
                   {"devices", w.devices},        {"batch", w.batch},      {"input_tokens", w.input_tokens},
                   {"output_tokens", w.output_tokens}, {"seq_len", w.seq_len}, {"global_batch", w.global_batch},
                   {"mode", name(w.mode)},        {"max_ttft_ms", w.max_ttft_ms}, {"max_tpot_ms", w.max_tpot_ms},
                   {"disaggregated", w.disaggregated}, {"tp", w.tp}, {"ep", w.ep},
                   {"redundant_experts", w.redundant_experts}, {"draft_tokens", w.draft_tokens},
                   {"acceptance", w.acceptance}};
  return json{{"workload", workload}, {"estimates", list}}.dump(2) + "\n";
}

}  // namespace suanli::report
