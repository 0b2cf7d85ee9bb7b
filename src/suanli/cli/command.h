// The `suanli` CLI: each subcommand is a thin shell over one engine.
//
// Subcommands register themselves on the CLI11 app and run after parsing.
// User errors surface as InputError and become exit code 2 in main().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "suanli/catalog/catalog.h"
#include "suanli/config/catalog_loader.h"

namespace suanli::cli {

// Options shared by every subcommand, and the catalog they load lazily.
struct Context {
  config::CatalogFiles files;
  const Catalog& catalog();

 private:
  std::optional<Catalog> catalog_;
};

// Each returns the callback to run when its subcommand was chosen.
void add_catalog_command(CLI::App& app, Context& ctx);
void add_estimate_command(CLI::App& app, Context& ctx);
void add_sim_commands(CLI::App& app, Context& ctx);  // check, simulate, demo
void add_plan_command(CLI::App& app, Context& ctx);  // plan
void add_replay_command(CLI::App& app, Context& ctx);  // replay openb, replay gavel
void add_serve_command(CLI::App& app, Context& ctx);   // serve, serve token
void add_slurm_command(CLI::App& app, Context& ctx);   // slurm config, slurm share

// Writes `text` to stdout, or to `path` when not empty ("-" = stdout).
void write_output(const std::string& text, const std::string& path);

}  // namespace suanli::cli
