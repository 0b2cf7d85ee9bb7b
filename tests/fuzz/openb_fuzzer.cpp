// The openb trace CSVs: the node list and the pod list (both layouts); the
// header line picks the reader that accepts it.
#include "fuzz_target.h"
#include "suanli/config/openb_reader.h"

SUANLI_FUZZ_TARGET(openb, "fuzz.csv") {
  if (input.starts_with("sn,")) {
    suanli::config::parse_openb_nodes(input, label);
  } else {
    suanli::config::parse_openb_pods(input, label);
  }
}
