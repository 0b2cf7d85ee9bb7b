// Loading the catalog: embedded defaults, then the user's files on top.
//
// File formats are documented in data/accelerators.yaml, data/models.yaml and
// data/perf.yaml (the embedded defaults are themselves the reference
// examples). A user file may add new entries or replace single fields of an
// existing one: an entry whose id is already known is merged field by field.
// Every error names the file, the line and what was expected (InputError).
#pragma once

#include <string>
#include <string_view>

#include "suanli/catalog/catalog.h"

namespace suanli::config {

struct CatalogFiles {
  std::string accelerators;  // --catalog FILE; empty = none
  std::string models;        // --models FILE
  std::string perf;          // --perf FILE (efficiency calibration)
  std::string measured;      // --measured FILE (CSV job_type,accelerator,devices,tokens_per_s,source)
};

// The compiled-in catalog, model zoo and calibration.
Catalog load_default_catalog();

// Measured throughputs for Catalog::measured: the CSV of config/gavel_reader.h
// with the tokens_per_s header, every accelerator a catalog id. Throws InputError.
ThroughputTable read_measured(const Catalog& catalog, const std::string& path);

// Defaults plus the user's files. Throws InputError.
Catalog load_catalog(const CatalogFiles& files);

// Merge one document of each kind into `catalog`. `file` names it in errors.
void merge_accelerators(Catalog& catalog, std::string_view yaml, const std::string& file);
void merge_models(Catalog& catalog, std::string_view yaml, const std::string& file);
void merge_perf(Catalog& catalog, std::string_view yaml, const std::string& file);

// Reads a whole file; throws InputError if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace suanli::config
