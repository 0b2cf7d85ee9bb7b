// A stored event-log record (wire::read_command): what a restart replays. The
// log is written by the service itself, but a damaged or hand-edited store
// must give a located error, never a crash.
#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/wire/codec.h"

SUANLI_FUZZ_TARGET(api_command, "event.json") {
  using namespace suanli;
  fuzz::decode_body(input, label, [](const wire::JsonReader& r) {
    wire::read_command(r, fuzz::default_catalog(), config::known_sectors());
  });
}
