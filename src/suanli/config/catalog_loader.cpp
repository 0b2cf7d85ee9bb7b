#include "suanli/config/catalog_loader.h"

#include "suanli/config/gavel_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "suanli/config/gavel_reader.h"
#include "suanli/config/yaml_reader.h"
#include "suanli/data/embedded.h"

namespace suanli::config {
namespace {

Grade parse_grade_at(const YamlReader& r, const Node& node) {
  const std::string s = r.as_text(node, "grade");
  if (auto g = parse_grade(s)) return *g;
  r.fail(node, fmt::format("grade: found '{}', expected H, M, L or unknown", s));
}

void read_provenance(const YamlReader& r, const Node& node, Grade& grade, std::vector<std::string>& sources,
                     std::string& note) {
  if (node["grade"]) grade = parse_grade_at(r, node["grade"]);
  if (node["source"]) sources = r.strings(node, "source");
  if (auto n = r.optional_text(node, "note")) note = *n;
}

void read_figure(const YamlReader& r, const Node& node, const char* field, Figure& f, bool link,
                 LinkDirection* direction) {
  r.expect_map(node, field);
  if (link) {
    r.check_keys(node, {"value", "alt", "grade", "source", "note", "derived", "direction"});
  } else {
    r.check_keys(node, {"value", "alt", "grade", "source", "note", "derived"});
  }
  const Node value = node["value"];
  if (!value) r.fail(node, fmt::format("{}: missing 'value' (a number, 'unknown' or 'unsupported')", field));
  const std::string v = r.as_text(value, field);
  if (v == "unknown") {
    f.state = Figure::State::Unknown;
    f.grade = Grade::Unknown;
  } else if (v == "unsupported") {
    f.state = Figure::State::Unsupported;
  } else {
    f.state = Figure::State::Known;
    f.value = r.as_number(value, std::string(field) + ".value");
    if (f.value < 0) r.fail(value, fmt::format("{}: found {}, expected a non-negative number", field, f.value));
  }
  if (auto alt = r.optional_number(node, "alt")) f.alt = *alt;
  if (auto d = r.optional_bool(node, "derived")) f.derived = *d;
  read_provenance(r, node, f.grade, f.sources, f.note);
  if (f.state == Figure::State::Unknown) f.grade = Grade::Unknown;
  if (f.state != Figure::State::Unknown && f.grade == Grade::Unknown) {
    r.fail(node, fmt::format("{}: a known figure needs a grade (H, M or L)", field));
  }
  if (link && direction && node["direction"]) {
    const std::string d = r.as_text(node["direction"], "direction");
    auto parsed = parse_link_direction(d);
    if (!parsed) r.fail(node["direction"], fmt::format("direction: found '{}', expected bidirectional, unidirectional or unclear", d));
    *direction = *parsed;
  }
}

void read_accelerator(const YamlReader& r, const Node& node, Catalog& catalog) {
  r.expect_map(node, "accelerator");
  r.check_keys(node, {"id", "name", "vendor", "origin", "country", "year", "status", "stack", "form", "datacenter",
                      "aliases", "node_devices", "scaleup_devices", "figures"});
  const std::string id = r.text(node, "id");
  const Accelerator* existing = catalog.find_accelerator(id);
  Accelerator a = existing ? *existing : Accelerator{};
  a.id = existing ? existing->id : id;
  const bool fresh = existing == nullptr;
  auto text_field = [&](const char* key, std::string& out) {
    if (auto v = r.optional_text(node, key)) out = *v;
    else if (fresh) r.fail(node, fmt::format("new accelerator '{}': missing required field '{}'", id, key));
  };
  text_field("name", a.name);
  text_field("vendor", a.vendor);
  text_field("stack", a.stack);
  if (auto v = r.optional_text(node, "origin")) {
    auto o = parse_origin(*v);
    if (!o) r.fail(node["origin"], fmt::format("origin: found '{}', expected domestic or imported", *v));
    a.origin = *o;
  } else if (fresh) {
    r.fail(node, fmt::format("new accelerator '{}': missing required field 'origin' (domestic or imported)", id));
  }
  if (auto v = r.optional_text(node, "country")) a.country = *v;
  if (auto v = r.optional_integer(node, "year")) a.year = *v;
  if (auto v = r.optional_text(node, "status")) {
    if (*v != "shipping" && *v != "announced" && *v != "discontinued") {
      r.fail(node["status"], fmt::format("status: found '{}', expected shipping, announced or discontinued", *v));
    }
    a.status = *v;
  }
  if (auto v = r.optional_text(node, "form")) a.form = *v;
  if (auto v = r.optional_bool(node, "datacenter")) a.datacenter = *v;
  if (node["aliases"]) a.aliases = r.strings(node, "aliases");
  for (const char* key : {"node_devices", "scaleup_devices"}) {
    if (auto v = r.optional_integer(node, key)) {
      if (*v < 1) r.fail(node[key], fmt::format("{}: found {}, expected a positive integer", key, *v));
      (std::string_view(key) == "node_devices" ? a.node_devices : a.scaleup_devices) = *v;
    }
  }
  if (const Node figures = node["figures"]) {
    r.expect_map(figures, "figures");
    r.check_keys(figures, {"bf16_tflops", "fp8_tflops", "int8_tops", "fp4_tflops", "mem_gb", "mem_type", "mem_tbps",
                           "link_gbps", "tdp_w", "die_area_mm2"});
    struct Slot {
      const char* key;
      Figure* figure;
    };
    const Slot slots[] = {{"bf16_tflops", &a.bf16_tflops}, {"fp8_tflops", &a.fp8_tflops}, {"int8_tops", &a.int8_tops},
                          {"fp4_tflops", &a.fp4_tflops},   {"mem_gb", &a.mem_gb},         {"mem_tbps", &a.mem_tbps},
                          {"link_gbps", &a.link_gbps},     {"tdp_w", &a.tdp_w},           {"die_area_mm2", &a.die_area_mm2}};
    for (const Slot& s : slots) {
      if (const Node f = figures[s.key]) {
        Figure fig;
        const bool link = std::string_view(s.key) == "link_gbps";
        read_figure(r, f, s.key, fig, link, link ? &a.link_direction : nullptr);
        *s.figure = std::move(fig);
      }
    }
    if (const Node t = figures["mem_type"]) {
      r.expect_map(t, "mem_type");
      r.check_keys(t, {"text", "grade", "source", "note"});
      TextFigure tf;
      tf.text = r.text(t, "text");
      if (tf.text == "unknown") tf.text.clear();
      read_provenance(r, t, tf.grade, tf.sources, tf.note);
      a.mem_type = std::move(tf);
    }
  }
  // Every figure cites sources that exist.
  for (const auto& [field, figure] : a.figures()) {
    for (const std::string& s : figure->sources) {
      if (!catalog.sources.count(s)) {
        r.fail(node, fmt::format("accelerator '{}': {} cites source '{}', which the 'sources' map does not define", id,
                                 field, s));
      }
    }
  }
  catalog.upsert(std::move(a));
}

int model_int(const YamlReader& r, const Node& node, const char* key, int current, bool required) {
  const Node v = node[key];
  if (!v) {
    if (required) r.fail(node, fmt::format("missing required field '{}'", key));
    return current;
  }
  if (v.is_scalar() && v.text() == "unknown") return 0;  // 0 = unknown; estimates that need it say so
  const int value = r.integer(node, key);
  if (value < 0) r.fail(v, fmt::format("{}: found {}, expected a non-negative integer", key, value));
  return value;
}

void read_model(const YamlReader& r, const Node& node, Catalog& catalog) {
  r.expect_map(node, "model");
  r.check_keys(node, {"id", "name", "family", "kind", "source", "params_b", "active_params_b", "params_note", "layers",
                      "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "max_context", "attention", "experts",
                      "experts_per_token", "shared_experts", "moe_ffn", "dense_layers", "kv_lora_rank", "q_lora_rank",
                      "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim", "vision_params_b", "note"});
  const std::string id = r.text(node, "id");
  const ModelSpec* existing = catalog.find_model(id);
  const bool fresh = existing == nullptr;
  ModelSpec m = existing ? *existing : ModelSpec{};
  m.id = existing ? existing->id : id;
  for (auto [key, out] : {std::pair{"name", &m.name}, std::pair{"family", &m.family}, std::pair{"kind", &m.kind},
                          std::pair{"source", &m.source}}) {
    if (auto v = r.optional_text(node, key)) *out = *v;
    else if (fresh && std::string_view(key) != "family") r.fail(node, fmt::format("new model '{}': missing required field '{}'", id, key));
  }
  if (auto v = r.optional_text(node, "note")) m.note = *v;
  if (auto v = r.optional_number(node, "params_b")) m.params_b = *v;
  else if (fresh) r.fail(node, fmt::format("new model '{}': missing required field 'params_b'", id));
  if (auto v = r.optional_number(node, "active_params_b")) m.active_params_b = *v;
  else if (fresh) m.active_params_b = m.params_b;
  if (m.params_b <= 0 || m.active_params_b <= 0 || m.active_params_b > m.params_b * 1.0001) {
    r.fail(node, fmt::format("model '{}': params_b {} and active_params_b {} must be positive with active <= total",
                             id, m.params_b, m.active_params_b));
  }
  if (auto v = r.optional_number(node, "vision_params_b")) m.vision_params_b = *v;
  m.layers = model_int(r, node, "layers", m.layers, fresh);
  m.hidden = model_int(r, node, "hidden", m.hidden, fresh);
  m.heads = model_int(r, node, "heads", m.heads, fresh);
  m.kv_heads = model_int(r, node, "kv_heads", m.kv_heads, fresh);
  m.head_dim = model_int(r, node, "head_dim", m.head_dim, fresh);
  m.ffn = model_int(r, node, "ffn", m.ffn, fresh);
  m.vocab = model_int(r, node, "vocab", m.vocab, fresh);
  m.max_context = model_int(r, node, "max_context", m.max_context, fresh);
  m.experts = model_int(r, node, "experts", m.experts, false);
  m.experts_per_token = model_int(r, node, "experts_per_token", m.experts_per_token, false);
  m.shared_experts = model_int(r, node, "shared_experts", m.shared_experts, false);
  m.moe_ffn = model_int(r, node, "moe_ffn", m.moe_ffn, false);
  m.dense_layers = model_int(r, node, "dense_layers", m.dense_layers, false);
  m.kv_lora_rank = model_int(r, node, "kv_lora_rank", m.kv_lora_rank, false);
  m.q_lora_rank = model_int(r, node, "q_lora_rank", m.q_lora_rank, false);
  m.qk_rope_head_dim = model_int(r, node, "qk_rope_head_dim", m.qk_rope_head_dim, false);
  m.qk_nope_head_dim = model_int(r, node, "qk_nope_head_dim", m.qk_nope_head_dim, false);
  m.v_head_dim = model_int(r, node, "v_head_dim", m.v_head_dim, false);
  if (auto v = r.optional_text(node, "attention")) {
    if (*v == "mha") m.attention = Attention::MHA;
    else if (*v == "gqa") m.attention = Attention::GQA;
    else if (*v == "mla") m.attention = Attention::MLA;
    else r.fail(node["attention"], fmt::format("attention: found '{}', expected mha, gqa or mla", *v));
  } else if (fresh) {
    r.fail(node, fmt::format("new model '{}': missing required field 'attention' (mha, gqa or mla)", id));
  }
  if (m.is_moe() && (m.experts_per_token <= 0 || m.experts_per_token > m.experts)) {
    r.fail(node, fmt::format("model '{}': experts_per_token must be between 1 and experts ({})", id, m.experts));
  }
  if (m.attention == Attention::MLA && m.kv_lora_rank <= 0) {
    r.fail(node, fmt::format("model '{}': MLA attention needs kv_lora_rank", id));
  }
  if (m.dense_layers > m.layers) r.fail(node, fmt::format("model '{}': dense_layers exceeds layers", id));
  catalog.upsert(std::move(m));
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void merge_accelerators(Catalog& catalog, std::string_view yaml, const std::string& file) {
  YamlReader r(file, yaml);
  const Node& root = r.root();
  r.expect_map(root, "catalog file");
  r.check_keys(root, {"sources", "accelerators", "export_events"});
  if (const Node sources = root["sources"]) {
    r.expect_map(sources, "sources");
    for (const yaml::Entry& e : sources.entries()) catalog.sources[e.key.text()] = r.as_text(e.value, "source");
  }
  if (const Node list = root["accelerators"]) {
    r.expect_sequence(list, "accelerators");
    for (const Node& node : list.items()) read_accelerator(r, node, catalog);
  }
  if (const Node events = root["export_events"]) {
    r.expect_sequence(events, "export_events");
    for (const Node& node : events.items()) {
      r.expect_map(node, "export event");
      r.check_keys(node, {"date", "accelerators", "effect", "summary", "grade", "source", "note"});
      ExportEvent e;
      e.date = r.text(node, "date");
      e.accelerators = r.strings(node, "accelerators");
      e.effect = r.text(node, "effect");
      e.summary = r.text(node, "summary");
      std::string note;
      read_provenance(r, node, e.grade, e.sources, note);
      for (const std::string& acc : e.accelerators) {
        if (!catalog.find_accelerator(acc)) r.fail(node, fmt::format("export event names unknown accelerator '{}'", acc));
      }
      catalog.export_events.push_back(std::move(e));
    }
  }
}

void merge_models(Catalog& catalog, std::string_view yaml, const std::string& file) {
  YamlReader r(file, yaml);
  const Node& root = r.root();
  r.expect_map(root, "model file");
  r.check_keys(root, {"models"});
  const Node list = root["models"];
  if (!list) r.fail(root, "missing 'models' list");
  r.expect_sequence(list, "models");
  for (const Node& node : list.items()) read_model(r, node, catalog);
}

namespace {

void read_perf_constants(const YamlReader& r, const Node& c, PerfParams& p) {
  r.expect_map(c, "constants");
  struct Slot {
    const char* key;
    double* out;
    double lo, hi;
  };
  const Slot reals[] = {{"usable_memory_fraction", &p.usable_memory_fraction, 0.1, 1.0},
                        {"scaleout_gbps_per_device", &p.scaleout_gbps_per_device, 0.1, 1e5},
                        {"activation_bytes_selective", &p.activation_bytes_selective, 0.0, 1e3},
                        {"activation_bytes_full", &p.activation_bytes_full, 0.0, 1e3},
                        {"state_bytes_fixed", &p.state_bytes_fixed, 0.0, 64},
                        {"state_bytes_sharded", &p.state_bytes_sharded, 0.0, 64},
                        {"moe_expert_efficiency", &p.moe_expert_efficiency, 0.05, 1.0},
                        {"kv_reserved_output_fraction", &p.kv_reserved_output_fraction, 0.0, 1.0}};
  struct IntSlot {
    const char* key;
    int* out;
    int lo, hi;
  };
  const IntSlot ints[] = {{"pipeline_virtual_stages", &p.pipeline_virtual_stages, 1, 64},
                          {"online_step_tokens", &p.online_step_tokens, 16, 1 << 22},
                          {"offline_step_tokens", &p.offline_step_tokens, 16, 1 << 22},
                          {"max_sequences", &p.max_sequences, 1, 1 << 20}};
  r.check_keys(c, {"usable_memory_fraction", "scaleout_gbps_per_device", "activation_bytes_selective",
                   "activation_bytes_full", "state_bytes_fixed", "state_bytes_sharded", "moe_expert_efficiency",
                   "kv_reserved_output_fraction", "pipeline_virtual_stages", "online_step_tokens",
                   "offline_step_tokens", "max_sequences"});
  auto entry = [&](const char* key) {
    const Node n = c[key];
    if (n) {
      r.expect_map(n, key);
      r.check_keys(n, {"value", "grade", "source", "note"});
    }
    return n;
  };
  for (const Slot& s : reals) {
    const Node n = entry(s.key);
    if (!n) continue;
    const double v = r.number(n, "value");
    if (v < s.lo || v > s.hi) r.fail(n, fmt::format("{}: found {}, expected between {} and {}", s.key, v, s.lo, s.hi));
    *s.out = v;
    p.notes.push_back(fmt::format("{} = {}: {}", s.key, v, r.optional_text(n, "source").value_or("")));
  }
  for (const IntSlot& s : ints) {
    const Node n = entry(s.key);
    if (!n) continue;
    const int v = r.integer(n, "value");
    if (v < s.lo || v > s.hi) r.fail(n, fmt::format("{}: found {}, expected {} to {}", s.key, v, s.lo, s.hi));
    *s.out = v;
  }
}

// A fraction in [0, 1] under `key`, or `fallback` when absent.
double read_fraction(const YamlReader& r, const Node& node, const char* key, double fallback) {
  const double v = r.optional_number(node, key).value_or(fallback);
  if (v < 0 || v > 1) r.fail(node[key], fmt::format("{}: found {}, expected a fraction between 0 and 1", key, v));
  return v;
}

double read_speedup(const YamlReader& r, const Node& node, double fallback) {
  const double v = r.optional_number(node, "low_precision_speedup").value_or(fallback);
  if (v < 1 || v > 8) r.fail(node["low_precision_speedup"], "low_precision_speedup: expected a factor between 1 and 8");
  return v;
}

double read_microseconds(const YamlReader& r, const Node& node, const char* key, double fallback) {
  const double v = r.optional_number(node, key).value_or(fallback);
  if (v < 0) r.fail(node[key], fmt::format("{}: expected a non-negative number of microseconds", key));
  return v;
}

// Replaces the entry with the same key, or appends.
template <typename Entry, typename Same>
void upsert(std::vector<Entry>& list, Entry e, Same same) {
  for (Entry& old : list) {
    if (same(old, e)) {
      old = std::move(e);
      return;
    }
  }
  list.push_back(std::move(e));
}

void read_train_efficiency(const YamlReader& r, const Node& node, PerfParams& p) {
  r.expect_map(node, "efficiency entry");
  r.check_keys(node, {"stack", "phase", "compute", "memory", "link", "overlap", "latency_us", "low_precision_speedup",
                      "grade", "source", "note"});
  Efficiency e;
  e.stack = r.text(node, "stack");
  const std::string phase = r.text(node, "phase");
  if (phase == "prefill" || phase == "decode") {
    r.fail(node["phase"], fmt::format("phase: '{}' efficiencies moved to the 'inference' list (one entry per stack)", phase));
  }
  if (phase != "train") r.fail(node["phase"], fmt::format("phase: found '{}', expected train", phase));
  e.compute = read_fraction(r, node, "compute", e.compute);
  e.memory = read_fraction(r, node, "memory", e.memory);
  e.link = read_fraction(r, node, "link", e.link);
  e.overlap = read_fraction(r, node, "overlap", e.overlap);
  if (e.compute <= 0 || e.memory <= 0 || e.link <= 0) r.fail(node, "compute, memory and link efficiencies must be above 0");
  e.latency_us = read_microseconds(r, node, "latency_us", 0.0);
  e.low_precision_speedup = read_speedup(r, node, e.low_precision_speedup);
  std::vector<std::string> sources;
  std::string note;
  read_provenance(r, node, e.grade, sources, note);
  e.source = r.text(node, "source");
  upsert(p.efficiency, std::move(e), [](const Efficiency& a, const Efficiency& b) { return a.stack == b.stack && a.phase == b.phase; });
}

void read_inference_efficiency(const YamlReader& r, const Node& node, PerfParams& p) {
  r.expect_map(node, "inference entry");
  r.check_keys(node, {"stack", "gemm", "gemm_tile_tokens", "small_gemm_tile_tokens", "memory", "attention", "moe", "link", "collective_us", "a2a_us", "scaleout_collective_us",
                      "overlap", "step_overhead_us", "low_precision_speedup", "grade", "source", "note"});
  InferenceEfficiency e;
  e.stack = r.text(node, "stack");
  e.gemm = read_fraction(r, node, "gemm", e.gemm);
  for (auto [key, slot] : {std::pair{"gemm_tile_tokens", &e.gemm_tile_tokens},
                           std::pair{"small_gemm_tile_tokens", &e.small_gemm_tile_tokens}}) {
    *slot = r.optional_integer(node, key).value_or(*slot);
    if (*slot < 1 || *slot > 1024) r.fail(node[key], fmt::format("{}: expected 1 to 1024 tokens", key));
  }
  e.memory = read_fraction(r, node, "memory", e.memory);
  e.attention = read_fraction(r, node, "attention", e.attention);
  e.moe = read_fraction(r, node, "moe", e.moe);
  e.link = read_fraction(r, node, "link", e.link);
  e.overlap = read_fraction(r, node, "overlap", e.overlap);
  if (e.gemm <= 0 || e.memory <= 0 || e.attention <= 0 || e.moe <= 0 || e.link <= 0) {
    r.fail(node, "gemm, memory, attention, moe and link efficiencies must be above 0");
  }
  e.collective_us = read_microseconds(r, node, "collective_us", e.collective_us);
  e.a2a_us = read_microseconds(r, node, "a2a_us", e.a2a_us);
  e.scaleout_collective_us = read_microseconds(r, node, "scaleout_collective_us", e.scaleout_collective_us);
  e.step_overhead_us = read_microseconds(r, node, "step_overhead_us", e.step_overhead_us);
  e.low_precision_speedup = read_speedup(r, node, e.low_precision_speedup);
  std::vector<std::string> sources;
  std::string note;
  read_provenance(r, node, e.grade, sources, note);
  e.source = r.text(node, "source");
  upsert(p.inference, std::move(e), [](const InferenceEfficiency& a, const InferenceEfficiency& b) { return a.stack == b.stack; });
}

}  // namespace

void merge_perf(Catalog& catalog, std::string_view yaml, const std::string& file) {
  YamlReader r(file, yaml);
  const Node& root = r.root();
  r.expect_map(root, "perf file");
  r.check_keys(root, {"constants", "efficiency", "inference"});
  PerfParams& p = catalog.perf;
  if (const Node c = root["constants"]) read_perf_constants(r, c, p);
  if (const Node list = root["efficiency"]) {
    r.expect_sequence(list, "efficiency");
    for (const Node& node : list.items()) read_train_efficiency(r, node, p);
  }
  if (const Node list = root["inference"]) {
    r.expect_sequence(list, "inference");
    for (const Node& node : list.items()) read_inference_efficiency(r, node, p);
  }
  const bool train_fallback = std::any_of(p.efficiency.begin(), p.efficiency.end(), [](const Efficiency& e) { return e.stack == "*"; });
  if (!train_fallback) r.fail(root, "efficiency: no fallback entry (stack '*') for phase train");
  const bool inference_fallback =
      std::any_of(p.inference.begin(), p.inference.end(), [](const InferenceEfficiency& e) { return e.stack == "*"; });
  if (!inference_fallback) r.fail(root, "inference: no fallback entry (stack '*')");
}

Catalog load_default_catalog() {
  Catalog c;
  merge_accelerators(c, embedded::accelerators_yaml(), "<embedded>/accelerators.yaml");
  merge_models(c, embedded::models_yaml(), "<embedded>/models.yaml");
  merge_perf(c, embedded::perf_yaml(), "<embedded>/perf.yaml");
  return c;
}

ThroughputTable read_measured(const Catalog& catalog, const std::string& path) {
  ThroughputTable t = read_throughput_csv(path);
  if (t.unit != RateUnit::TokensPerS) {
    throw InputError(path + ":1", fmt::format("header: found the column {}, expected tokens_per_s (the rate at "
                                              "which a job consumes its work tokens)",
                                              name(t.unit)));
  }
  for (const std::string& w : t.workers()) catalog.accelerator(w, fmt::format("{}: accelerator", path));
  return t;
}

Catalog load_catalog(const CatalogFiles& files) {
  Catalog c = load_default_catalog();
  if (!files.accelerators.empty()) merge_accelerators(c, read_file(files.accelerators), files.accelerators);
  if (!files.models.empty()) merge_models(c, read_file(files.models), files.models);
  if (!files.perf.empty()) merge_perf(c, read_file(files.perf), files.perf);
  if (!files.measured.empty()) c.measured = read_measured(c, files.measured);
  return c;
}

}  // namespace suanli::config
