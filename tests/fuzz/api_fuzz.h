// What the API-body fuzz targets share: the h200-window scenario (its job
// classes are what `{"class": ...}` names) and the relocation of a body's
// errors into the fuzz label: the decoders locate errors by JSON path
// ("$.slo.max_tpot_ms"), and fuzz_target.h's property wants them in the
// input, "LABEL: JSON-PATH".
#pragma once

#include <string>
#include <string_view>

#include "fuzz_data.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/wire/json_reader.h"

namespace suanli::fuzz {

inline const Scenario& default_scenario() {
  static const Scenario s = config::load_scenario(default_catalog(), "h200-window");
  return s;
}

// Parses `input` as JSON and runs `decode` on a reader at "$"; every
// InputError comes back located "LABEL: <its JSON path>".
template <class Decode>
void decode_body(std::string_view input, const char* label, Decode decode) {
  try {
    const wire::Json body = wire::parse_json(input);
    decode(wire::JsonReader(body, "$"));
  } catch (const InputError& e) {
    if (!e.where().starts_with("$")) throw InputError(e.where(), e.message());  // left as is: the property judges it
    throw InputError(std::string(label) + ": " + e.where(), e.message());
  }
}

}  // namespace suanli::fuzz
