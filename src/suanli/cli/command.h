// The `suanli` CLI: each subcommand is a thin shell over one engine.
//
// Subcommands register themselves on the CLI11 app and run after parsing.
// User errors surface as InputError and become exit code 2 in main().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "suanli/catalog/catalog.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/i18n/lang.h"

namespace suanli::server {
class Service;
}
namespace suanli::bridge::k8s {
class Extender;
}

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

void add_k8s_command(CLI::App& app, Context& ctx);     // k8s labels, k8s mapping

// `suanli serve`'s Kubernetes extender flags (--k8s, --k8s-bind, ...), kept
// with the k8s command (k8s_command.cpp).
struct K8sServeOptions {
  bool enabled = false;         // --k8s: serve filter and prioritize
  bool bind = false;            // --k8s-bind: and bind (implies --k8s)
  std::string mapping;          // --k8s-mapping FILE (JSON)
  std::string api;              // --k8s-api URL | in-cluster | none
  std::string api_token_file;   // --k8s-api-token-file
  std::string api_ca;           // --k8s-api-ca
};
void add_k8s_serve_options(CLI::App& serve, K8sServeOptions& o);
// The extender the flags ask for over `service`, or null when --k8s is off.
// Throws InputError for a bad mapping file or API server flags.
std::unique_ptr<bridge::k8s::Extender> make_extender(Context& ctx, const K8sServeOptions& o, server::Service& service);

// `--lang zh|en` on a command that writes for people (tables, HTML reports).
// JSON and CSV keep their English keys in either language.
// `what` names what follows the language in the help ("the HTML report").
void add_lang_option(CLI::App* cmd, std::string& value, std::string_view what = "the text and HTML report");
// The language asked for: the --lang value when given (InputError for one
// that is neither zh nor en), else the locale environment (LC_ALL,
// LC_MESSAGES, LANG: zh_* means Chinese), else English.
i18n::Lang output_lang(const std::string& flag);

// Writes `text` to stdout, or to `path` when not empty ("-" = stdout).
void write_output(const std::string& text, const std::string& path);

}  // namespace suanli::cli
