// The operators' bodies: POST /v1/nodes (a node group), PUT /v1/tenants/{name}
// (a tenant), POST /v1/export-events; the first byte picks which, so one
// target covers the three small decoders.
#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/wire/codec.h"

SUANLI_FUZZ_TARGET(api_fleet, "body.json") {
  using namespace suanli;
  if (input.empty()) return;
  const char which = input.front();
  fuzz::decode_body(input.substr(1), label, [which](const wire::JsonReader& r) {
    switch (which % 3) {
      case 0: wire::read_node_group(r, fuzz::default_catalog()); break;
      case 1: wire::read_tenant(r, config::known_sectors()); break;
      default: {
        live::Command c;
        wire::read_export(r, fuzz::default_catalog(), c);
      }
    }
  });
}
