#include "suanli/model/model_spec.h"

#include <algorithm>
#include <cmath>

namespace suanli {

double ModelSpec::params_per_expert() const {
  if (!is_moe() || experts <= experts_per_token) return 0.0;
  return std::max(0.0, (params() - active_params()) / (experts - experts_per_token));
}

double ModelSpec::dense_params() const {
  if (!is_moe()) return params();
  return std::max(0.0, active_params() - experts_per_token * params_per_expert());
}

double ModelSpec::params_touched(double tokens) const {
  if (!is_moe()) return params();
  if (tokens <= 0) return dense_params();
  const double e = experts;
  const double miss = std::pow(1.0 - static_cast<double>(experts_per_token) / e, tokens);
  const double experts_touched = e * (1.0 - miss);
  return dense_params() + experts_touched * params_per_expert();
}

double ModelSpec::kv_elements_per_token() const {
  if (attention == Attention::MLA) return static_cast<double>(layers) * (kv_lora_rank + qk_rope_head_dim);
  return 2.0 * layers * kv_heads * head_dim;
}

double ModelSpec::attention_width() const { return static_cast<double>(heads) * head_dim; }

double ModelSpec::decode_attention_flops_per_context_token() const {
  if (attention == Attention::MLA) {
    return 2.0 * layers * heads * (2.0 * kv_lora_rank + qk_rope_head_dim);
  }
  return 4.0 * layers * attention_width();
}

}  // namespace suanli
