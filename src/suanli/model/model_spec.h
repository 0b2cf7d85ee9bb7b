// ModelSpec: a public AI model's architecture, as the performance model needs it.
//
// Parameter counts are in billions as published; the per-token quantities the
// roofline needs (bytes of weights read, KV-cache bytes, attention FLOPs) are
// derived here so every module computes them the same way.
//
// Plain value type; thread-compatible.
#pragma once

#include <string>

namespace suanli {

enum class Attention { MHA, GQA, MLA };

struct ModelSpec {
  std::string id;      // e.g. "llama-3.1-70b"
  std::string name;    // e.g. "Llama 3.1 70B"
  std::string family;
  std::string kind;    // decoder | encoder | vision-language
  std::string source;  // where the architecture figures come from
  std::string note;

  double params_b = 0;         // total parameters, billions
  double active_params_b = 0;  // parameters used per token, billions
  int layers = 0;
  int hidden = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int ffn = 0;
  int vocab = 0;
  int max_context = 0;
  Attention attention = Attention::GQA;

  // Mixture of experts (experts == 0 for dense models).
  int experts = 0;
  int experts_per_token = 0;
  int shared_experts = 0;
  int moe_ffn = 0;
  int dense_layers = 0;

  // Multi-head latent attention (DeepSeek); zero otherwise.
  int kv_lora_rank = 0;
  int q_lora_rank = 0;
  int qk_rope_head_dim = 0;
  int qk_nope_head_dim = 0;
  int v_head_dim = 0;

  double vision_params_b = 0;

  bool is_moe() const { return experts > 0; }
  double params() const { return params_b * 1e9; }
  double active_params() const { return active_params_b * 1e9; }

  // Parameters of one routed expert summed over all MoE layers, derived from
  // the published totals: total = dense + experts * e, active = dense + k * e.
  double params_per_expert() const;
  // Parameters every token uses (attention, embeddings, shared experts, dense layers).
  double dense_params() const;

  // Expected parameters read by one forward step over `tokens` tokens routed
  // independently: dense part plus the expected number of distinct experts
  // touched, E * (1 - (1 - k/E)^tokens), per MoE layer. Equals params() for
  // large token counts and active_params() for one token.
  double params_touched(double tokens) const;

  // KV-cache elements stored per token (all layers). MLA caches the latent
  // (kv_lora_rank + qk_rope_head_dim) per layer; GQA/MHA cache K and V per KV head.
  double kv_elements_per_token() const;

  // Width of the attention score/value products (heads x head_dim), used for
  // attention FLOPs: 2 * 2 * layers * context * attention_width per token forward.
  double attention_width() const;

  // Attention FLOPs one generated token spends per token of context it
  // attends to, all layers. MLA decodes in the absorbed form: every head
  // scores the cached latent (kv_lora_rank + qk_rope_head_dim) and sums it
  // (kv_lora_rank), 2 FLOPs per multiply-add; GQA/MHA: 4 x heads x head_dim.
  double decode_attention_flops_per_context_token() const;

  // Layers whose feed-forward block is routed experts (0 for dense models).
  int moe_layers() const { return is_moe() ? layers - dense_layers : 0; }

  bool operator==(const ModelSpec&) const = default;
};

}  // namespace suanli
