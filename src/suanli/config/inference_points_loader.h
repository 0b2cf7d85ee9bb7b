// Loading published inference measurements (data/inference_points.yaml, the
// format documented in its header): sources, then points citing them.
//
// Every point's source, accelerator and model must be known (the catalog's
// ids), its shape and figure positive; errors name the file and line
// (InputError).
#pragma once

#include <string>
#include <string_view>

#include "suanli/catalog/catalog.h"
#include "suanli/model/inference_point.h"

namespace suanli::config {

InferencePoints read_inference_points(std::string_view yaml, const std::string& file, const Catalog& catalog);

// The compiled-in data/inference_points.yaml.
InferencePoints load_default_inference_points(const Catalog& catalog);

}  // namespace suanli::config
