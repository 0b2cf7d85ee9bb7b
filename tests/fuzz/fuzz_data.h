// What the file-reader fuzz targets load against: the embedded default
// catalog, built once per process.
#pragma once

#include "suanli/catalog/catalog.h"
#include "suanli/config/catalog_loader.h"

namespace suanli::fuzz {

inline const Catalog& default_catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

}  // namespace suanli::fuzz
