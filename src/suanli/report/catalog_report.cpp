#include "suanli/report/catalog_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/catalog/export_control.h"
#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/terms.h"

namespace suanli::report {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;
using nlohmann::json;

std::string cell(const Figure& f, int decimals = 0, Lang lang = Lang::En) {
  if (f.unsupported()) return tr(lang, "cat.no");
  if (!f.known()) return "?";
  return fmt_number(f.value, decimals);
}

std::string export_cell(const Accelerator& a, const ExportClassification& x, Lang lang) {
  if (a.origin == Origin::Domestic) return i18n::origin_name(Origin::Domestic, lang);
  return std::string(name(x.rule_2023));
}

json name_zh_json(const TextFigure& t) {
  if (t.text.empty()) return nullptr;
  json j = {{"text", t.text}, {"grade", name(t.grade)}, {"sources", t.sources}};
  if (!t.note.empty()) j["note"] = t.note;
  return j;
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

std::string status_word(const std::string& status, Lang lang) {
  if (status == "shipping") return tr(lang, "cat.shipping");
  if (status == "announced") return tr(lang, "cat.announced");
  if (status == "discontinued") return tr(lang, "cat.discontinued");
  return status;
}

json accelerator_to_json(const Accelerator& a, bool with_figures) {
  const ExportClassification x = classify_export(a);
  json j = {{"id", a.id},
            {"name", a.name},
            {"name_zh", a.name_zh.text.empty() ? json(nullptr) : json(a.name_zh.text)},
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
    j["name_zh_source"] = name_zh_json(a.name_zh);
  } else {
    figs["mem_type"] = a.mem_type.text;
  }
  j["figures"] = figs;
  return j;
}

}  // namespace

Table accelerator_table(const Catalog& catalog, Lang lang) {
  std::vector<Table::Column> cols = {{tr(lang, "cat.col_id")}};
  if (lang == Lang::Zh) cols.push_back({tr(lang, "cat.col_name_zh")});
  for (Table::Column c : std::vector<Table::Column>{{tr(lang, "cat.col_vendor")}, {tr(lang, "cat.col_origin")},
                                                    {"bf16 TF", true}, {"fp8 TF", true}, {"int8 TOPS", true},
                                                    {tr(lang, "cat.col_mem_gb"), true}, {tr(lang, "cat.col_mem_tbps"), true},
                                                    {tr(lang, "cat.col_link"), true}, {"TDP W", true},
                                                    {tr(lang, "cat.col_stack")}, {tr(lang, "cat.col_export")},
                                                    {tr(lang, "cat.col_grade")}}) {
    cols.push_back(std::move(c));
  }
  Table t(std::move(cols));
  for (const Accelerator& a : catalog.accelerators) {
    const ExportClassification x = classify_export(a);
    std::vector<std::string> row = {a.id};
    if (lang == Lang::Zh) row.push_back(a.name_zh.text.empty() ? "-" : a.name_zh.text);
    for (std::string c : {i18n::vendor_name(a.vendor, lang), i18n::origin_name(a.origin, lang),
                          cell(a.bf16_tflops, 1, lang), cell(a.fp8_tflops, 0, lang), cell(a.int8_tops, 0, lang),
                          cell(a.mem_gb, 0, lang), cell(a.mem_tbps, 2, lang), cell(a.link_gbps, 0, lang),
                          cell(a.tdp_w, 0, lang), a.stack, export_cell(a, x, lang), std::string(name(a.lowest_grade()))}) {
      row.push_back(std::move(c));
    }
    t.add_row(std::move(row));
  }
  return t;
}

std::string accelerator_table_footer(Lang lang) { return tr(lang, "cat.footer"); }

std::string accelerators_json(const Catalog& catalog) {
  json list = json::array();
  for (const Accelerator& a : catalog.accelerators) list.push_back(accelerator_to_json(a, false));
  return json{{"accelerators", list}}.dump(2) + "\n";
}

std::string accelerator_detail(const Accelerator& a, const Catalog& catalog, Lang lang) {
  const ExportClassification x = classify_export(a);
  std::string out = fmt::format("{} ({})\n", a.name, a.id);
  if (!a.name_zh.text.empty()) {
    out += fmt::format("  {}", tr(lang, "cat.name_zh", arg("name", a.name_zh.text), arg("grade", name(a.name_zh.grade)),
                     arg("sources", fmt::format("{}", fmt::join(a.name_zh.sources, ", "))))) +
           "\n";
  } else if (lang == Lang::Zh) {
    out += fmt::format("  {}", tr(lang, "cat.name_zh_unknown")) + "\n";
  }
  out += fmt::format("  {}", tr(lang, "cat.summary", arg("vendor", i18n::vendor_name(a.vendor, lang)),
                   arg("origin", i18n::origin_name(a.origin, lang)), arg("country", a.country),
                   arg("status", status_word(a.status, lang)), arg("year", a.year), arg("stack", a.stack),
                   arg("form", a.form), arg("node", a.node_devices), arg("scaleup", a.scaleup_devices))) +
         "\n";
  if (!a.aliases.empty()) {
    out += fmt::format("  {}", tr(lang, "cat.aliases", arg("aliases", fmt::format("{}", fmt::join(a.aliases, ", "))))) + "\n";
  }
  out += fmt::format("  {}", tr(lang, "cat.lowest_grade", arg("grade", name(a.lowest_grade())))) + "\n\n";

  Table t({{tr(lang, "cat.col_figure")}, {tr(lang, "cat.col_value"), true}, {tr(lang, "cat.col_grade")},
           {tr(lang, "cat.col_sources")}, {tr(lang, "cat.col_note")}});
  for (const auto& [field, f] : a.figures()) {
    std::string value = cell(*f, f->known() && f->value < 10 ? 3 : 1, lang);
    if (f->unsupported()) value = tr(lang, "cat.unsupported");
    if (!f->known() && !f->unsupported()) value = tr(lang, "cat.unknown");
    if (f->alt) value += tr(lang, "cat.alt", arg("value", fmt_number(*f->alt, 1)));
    std::string note = f->note;
    if (std::string_view(field) == "link_gbps" && f->known()) {
      note = fmt::format("[{}] {}", name(a.link_direction), note);
    }
    if (f->derived) note = tr(lang, "cat.derived") + " " + note;
    t.add_row({field, value, std::string(name(f->grade)), fmt::format("{}", fmt::join(f->sources, ", ")), note});
  }
  t.add_row({"mem_type", a.mem_type.text.empty() ? tr(lang, "cat.unknown") : a.mem_type.text,
             std::string(name(a.mem_type.grade)), fmt::format("{}", fmt::join(a.mem_type.sources, ", ")),
             a.mem_type.note});
  out += t.render();

  out += fmt::format("\n{}", tr(lang, "cat.export_title")) + "\n";
  const std::string unknown = tr(lang, "cat.unknown");
  out += fmt::format("  {}", tr(lang, "cat.tpp", arg("tpp", x.tpp ? fmt_number(*x.tpp, 0) : unknown), arg("format", name(x.tpp_format)),
                   arg("pd", x.performance_density ? fmt_number(*x.performance_density, 2) : unknown))) +
         "\n";
  out += fmt::format("  {} {:<15} {}\n", tr(lang, "cat.rule_2022"), name(x.rule_2022), x.why_2022);
  out += fmt::format("  {} {:<15} {}\n", tr(lang, "cat.rule_2023"), name(x.rule_2023), x.why_2023);
  out += fmt::format("  {} {:<13} {}\n", tr(lang, "cat.rule_2026"), name(x.rule_2026), x.why_2026);
  if (a.origin == Origin::Domestic) out += fmt::format("  {}", tr(lang, "cat.domestic_note")) + "\n";

  std::vector<std::string> keys = a.name_zh.sources;
  for (const auto& [field, f] : a.figures()) keys.insert(keys.end(), f->sources.begin(), f->sources.end());
  keys.insert(keys.end(), a.mem_type.sources.begin(), a.mem_type.sources.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (!keys.empty()) {
    out += fmt::format("\n{}", tr(lang, "cat.sources")) + "\n";
    for (const std::string& k : keys) {
      auto it = catalog.sources.find(k);
      out += fmt::format("  [{}] {}\n", k, it != catalog.sources.end() ? it->second : tr(lang, "cat.not_in_sources"));
    }
  }
  return out;
}

std::string accelerator_json(const Accelerator& a, const Catalog& catalog) {
  json j = accelerator_to_json(a, true);
  json sources = json::object();
  for (const std::string& k : a.name_zh.sources) {
    auto it = catalog.sources.find(k);
    if (it != catalog.sources.end()) sources[k] = it->second;
  }
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
