#include "suanli/report/catalog_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/catalog/export_control.h"

namespace suanli::report {
namespace {

using nlohmann::json;

std::string cell(const Figure& f, int decimals = 0) {
  if (f.unsupported()) return "no";
  if (!f.known()) return "?";
  return fmt_number(f.value, decimals);
}

std::string export_cell(const Accelerator& a, const ExportClassification& x) {
  if (a.origin == Origin::Domestic) return "domestic";
  return std::string(name(x.rule_2023));
}

json figure_json(const Figure& f) {
  json j;
  switch (f.state) {
    case Figure::State::Known: j["value"] = f.value; break;
    case Figure::State::Unknown: j["value"] = nullptr; j["unknown"] = true; break;
    case Figure::State::Unsupported: j["value"] = nullptr; j["unsupported"] = true; break;
  }
  if (f.alt) j["alt"] = *f.alt;
  j["grade"] = name(f.grade);
  j["sources"] = f.sources;
  if (!f.note.empty()) j["note"] = f.note;
  if (f.derived) j["derived"] = true;
  return j;
}

json export_json(const ExportClassification& x) {
  json j;
  j["tpp"] = x.tpp ? json(*x.tpp) : json(nullptr);
  j["tpp_format"] = name(x.tpp_format);
  j["performance_density"] = x.performance_density ? json(*x.performance_density) : json(nullptr);
  j["rule_2022"] = {{"class", name(x.rule_2022)}, {"why", x.why_2022}};
  j["rule_2023"] = {{"class", name(x.rule_2023)}, {"why", x.why_2023}};
  j["rule_2026_case_by_case"] = {{"class", name(x.rule_2026)}, {"why", x.why_2026}};
  return j;
}

json accelerator_to_json(const Accelerator& a, bool with_figures) {
  const ExportClassification x = classify_export(a);
  json j = {{"id", a.id},
            {"name", a.name},
            {"vendor", a.vendor},
            {"origin", name(a.origin)},
            {"country", a.country},
            {"year", a.year},
            {"status", a.status},
            {"stack", a.stack},
            {"form", a.form},
            {"node_devices", a.node_devices},
            {"scaleup_devices", a.scaleup_devices},
            {"lowest_grade", name(a.lowest_grade())},
            {"export", export_json(x)}};
  json figs;
  for (const auto& [field, figure] : a.figures()) {
    figs[field] = with_figures ? figure_json(*figure) : (figure->known() ? json(figure->value) : json(nullptr));
  }
  if (with_figures) {
    figs["link_gbps"]["direction"] = name(a.link_direction);
    figs["mem_type"] = {{"text", a.mem_type.text}, {"grade", name(a.mem_type.grade)}, {"sources", a.mem_type.sources}};
    j["aliases"] = a.aliases;
  } else {
    figs["mem_type"] = a.mem_type.text;
  }
  j["figures"] = figs;
  return j;
}

}  // namespace

Table accelerator_table(const Catalog& catalog) {
  Table t({{"id"}, {"vendor"}, {"origin"}, {"bf16 TF", true}, {"fp8 TF", true}, {"int8 TOPS", true}, {"mem GB", true},
           {"mem TB/s", true}, {"link GB/s", true}, {"TDP W", true}, {"stack"}, {"export (2023)"}, {"grade"}});
  for (const Accelerator& a : catalog.accelerators) {
    const ExportClassification x = classify_export(a);
    t.add_row({a.id, a.vendor, std::string(name(a.origin)), cell(a.bf16_tflops, 1), cell(a.fp8_tflops), cell(a.int8_tops),
               cell(a.mem_gb), cell(a.mem_tbps, 2), cell(a.link_gbps), cell(a.tdp_w), a.stack, export_cell(a, x),
               std::string(name(a.lowest_grade()))});
  }
  return t;
}

std::string accelerators_json(const Catalog& catalog) {
  json list = json::array();
  for (const Accelerator& a : catalog.accelerators) list.push_back(accelerator_to_json(a, false));
  return json{{"accelerators", list}}.dump(2) + "\n";
}

std::string accelerator_detail(const Accelerator& a, const Catalog& catalog) {
  const ExportClassification x = classify_export(a);
  std::string out = fmt::format("{} ({})\n", a.name, a.id);
  out += fmt::format("  vendor {}, {} ({}), {} {}, stack {}, form {}, {} devices per node, scale-up domain {}\n",
                     a.vendor, name(a.origin), a.country, a.status, a.year, a.stack, a.form, a.node_devices,
                     a.scaleup_devices);
  if (!a.aliases.empty()) out += fmt::format("  aliases: {}\n", fmt::join(a.aliases, ", "));
  out += fmt::format("  lowest grade among its figures: {}\n\n", name(a.lowest_grade()));

  Table t({{"figure"}, {"value", true}, {"grade"}, {"sources"}, {"note"}});
  for (const auto& [field, f] : a.figures()) {
    std::string value = cell(*f, f->known() && f->value < 10 ? 3 : 1);
    if (f->unsupported()) value = "unsupported";
    if (!f->known() && !f->unsupported()) value = "unknown";
    if (f->alt) value += fmt::format(" (alt {})", fmt_number(*f->alt, 1));
    std::string note = f->note;
    if (std::string_view(field) == "link_gbps" && f->known()) {
      note = fmt::format("[{}] {}", name(a.link_direction), note);
    }
    if (f->derived) note = "(derived) " + note;
    t.add_row({field, value, std::string(name(f->grade)), fmt::format("{}", fmt::join(f->sources, ", ")), note});
  }
  t.add_row({"mem_type", a.mem_type.text.empty() ? "unknown" : a.mem_type.text, std::string(name(a.mem_type.grade)),
             fmt::format("{}", fmt::join(a.mem_type.sources, ", ")), a.mem_type.note});
  out += t.render();

  out += "\nExport classification (US ECCN 3A090, computed from the figures above):\n";
  out += fmt::format("  TPP {} ({}), performance density {}\n", x.tpp ? fmt_number(*x.tpp, 0) : "unknown",
                     name(x.tpp_format), x.performance_density ? fmt_number(*x.performance_density, 2) : "unknown");
  out += fmt::format("  Oct 2022 rule: {:<15} {}\n", name(x.rule_2022), x.why_2022);
  out += fmt::format("  Oct 2023 rule: {:<15} {}\n", name(x.rule_2023), x.why_2023);
  out += fmt::format("  Jan 2026 case-by-case review: {:<13} {}\n", name(x.rule_2026), x.why_2026);
  if (a.origin == Origin::Domestic) out += "  (a domestic chip: US export rules do not govern its supply; shown for comparison)\n";

  std::vector<std::string> keys;
  for (const auto& [field, f] : a.figures()) keys.insert(keys.end(), f->sources.begin(), f->sources.end());
  keys.insert(keys.end(), a.mem_type.sources.begin(), a.mem_type.sources.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (!keys.empty()) {
    out += "\nSources:\n";
    for (const std::string& k : keys) {
      auto it = catalog.sources.find(k);
      out += fmt::format("  [{}] {}\n", k, it != catalog.sources.end() ? it->second : "(not in the sources map)");
    }
  }
  return out;
}

std::string accelerator_json(const Accelerator& a, const Catalog& catalog) {
  json j = accelerator_to_json(a, true);
  json sources = json::object();
  for (const auto& [field, f] : a.figures()) {
    for (const std::string& k : f->sources) {
      auto it = catalog.sources.find(k);
      if (it != catalog.sources.end()) sources[k] = it->second;
    }
  }
  j["sources"] = sources;
  return j.dump(2) + "\n";
}

Table model_table(const Catalog& catalog) {
  Table t({{"id"}, {"kind"}, {"params B", true}, {"active B", true}, {"layers", true}, {"hidden", true},
           {"heads", true}, {"kv heads", true}, {"attention"}, {"experts"}, {"context", true}});
  for (const ModelSpec& m : catalog.models) {
    auto known = [](int v) { return v > 0 ? fmt::format("{}", v) : std::string("?"); };
    const char* attn = m.attention == Attention::MLA ? "mla" : (m.attention == Attention::GQA ? "gqa" : "mha");
    t.add_row({m.id, m.kind, fmt_number(m.params_b, 1), fmt_number(m.active_params_b, 1), known(m.layers),
               known(m.hidden), known(m.heads), known(m.kv_heads), attn,
               m.is_moe() ? fmt::format("{} (top-{})", m.experts, m.experts_per_token) : "-", known(m.max_context)});
  }
  return t;
}

namespace {

nlohmann::json model_to_json(const ModelSpec& m) {
  using nlohmann::json;
  auto known = [](int v) { return v > 0 ? json(v) : json(nullptr); };
  json j = {{"id", m.id},
            {"name", m.name},
            {"family", m.family},
            {"kind", m.kind},
            {"source", m.source},
            {"params_b", m.params_b},
            {"active_params_b", m.active_params_b},
            {"layers", known(m.layers)},
            {"hidden", known(m.hidden)},
            {"heads", known(m.heads)},
            {"kv_heads", known(m.kv_heads)},
            {"head_dim", known(m.head_dim)},
            {"ffn", known(m.ffn)},
            {"vocab", known(m.vocab)},
            {"max_context", known(m.max_context)},
            {"attention", m.attention == Attention::MLA ? "mla" : (m.attention == Attention::GQA ? "gqa" : "mha")}};
  if (m.is_moe()) {
    j["experts"] = m.experts;
    j["experts_per_token"] = m.experts_per_token;
    j["shared_experts"] = m.shared_experts;
    j["moe_ffn"] = m.moe_ffn;
    j["dense_layers"] = m.dense_layers;
  }
  if (m.attention == Attention::MLA) {
    j["kv_lora_rank"] = m.kv_lora_rank;
    j["qk_rope_head_dim"] = m.qk_rope_head_dim;
  }
  j["kv_cache_elements_per_token"] = m.kv_elements_per_token();
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

}  // namespace

std::string models_json(const Catalog& catalog) {
  nlohmann::json list = nlohmann::json::array();
  for (const ModelSpec& m : catalog.models) list.push_back(model_to_json(m));
  return nlohmann::json{{"models", list}}.dump(2) + "\n";
}

std::string model_json(const ModelSpec& m) { return model_to_json(m).dump(2) + "\n"; }

std::string model_detail(const ModelSpec& m) {
  auto known = [](int v) { return v > 0 ? fmt::format("{}", v) : std::string("unknown"); };
  std::string out = fmt::format("{} ({})\n  source: {}\n", m.name, m.id, m.source);
  out += fmt::format("  {:.2f}B parameters, {:.2f}B active per token; {} layers, hidden {}, {} heads, {} KV heads, "
                     "head dim {}, FFN {}, vocabulary {}, context {}\n",
                     m.params_b, m.active_params_b, known(m.layers), known(m.hidden), known(m.heads),
                     known(m.kv_heads), known(m.head_dim), known(m.ffn), known(m.vocab), known(m.max_context));
  if (m.is_moe()) {
    out += fmt::format("  mixture of experts: {} routed experts, {} per token, {} shared, expert FFN {}, {} leading dense "
                       "layers\n",
                       m.experts, m.experts_per_token, m.shared_experts, m.moe_ffn, m.dense_layers);
  }
  if (m.attention == Attention::MLA) {
    out += fmt::format("  multi-head latent attention: KV latent {} + RoPE {} per layer\n", m.kv_lora_rank,
                       m.qk_rope_head_dim);
  }
  if (!m.note.empty()) out += "  note: " + m.note + "\n";
  return out;
}

}  // namespace suanli::report
