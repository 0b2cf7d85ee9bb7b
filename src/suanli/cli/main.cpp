// suanli: schedule, simulate and plan sovereign AI-accelerator fleets.
//
// Exit codes: 0 success, 2 bad input (flags, files), 1 internal error.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "suanli/cli/command.h"
#include "suanli/model/error.h"

namespace suanli::cli {

const Catalog& Context::catalog() {
  if (!catalog_) catalog_ = config::load_catalog(files);
  return *catalog_;
}

void add_lang_option(CLI::App* cmd, std::string& value, std::string_view what) {
  cmd->add_option("--lang", value,
                  fmt::format("Language of {}: zh (Simplified Chinese) or en; default from LC_ALL / LC_MESSAGES / "
                              "LANG (zh_* means zh), else en",
                              what));
}

i18n::Lang output_lang(const std::string& flag) {
  if (flag.empty()) return i18n::lang_from_locale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
  if (auto l = i18n::parse_lang(flag)) return *l;
  throw InputError("--lang", fmt::format("found '{}', expected zh (Simplified Chinese) or en", flag));
}

void write_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InputError(path, "cannot open for writing");
  out << text;
  if (!out) throw InputError(path, "write failed");
}

}  // namespace suanli::cli

int main(int argc, char** argv) {
  using namespace suanli;
  CLI::App app{"suanli (算力): schedule, simulate and plan AI-accelerator fleets that mix imported and domestic chips "
               "under supply-chain sovereignty rules."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "suanli 0.1.0");
  cli::Context ctx;
  app.add_option("--catalog", ctx.files.accelerators, "YAML file adding accelerators or replacing their fields")
      ->check(CLI::ExistingFile);
  app.add_option("--models", ctx.files.models, "YAML file adding models or replacing their fields")
      ->check(CLI::ExistingFile);
  app.add_option("--perf", ctx.files.perf, "YAML file overriding efficiency calibration")->check(CLI::ExistingFile);
  app.add_option("--measured", ctx.files.measured,
                 "CSV of measured throughputs (job_type,accelerator,devices,tokens_per_s,source) that replace the "
                 "performance model's; job_type is a job class name or a model id")
      ->check(CLI::ExistingFile);
  app.footer("Run `suanli COMMAND --help` for a command's options and an example.");

  cli::add_catalog_command(app, ctx);
  cli::add_estimate_command(app, ctx);
  cli::add_sim_commands(app, ctx);
  cli::add_plan_command(app, ctx);
  cli::add_replay_command(app, ctx);
  cli::add_serve_command(app, ctx);
  cli::add_slurm_command(app, ctx);
  cli::add_k8s_command(app, ctx);

  try {
    // An unknown first word is named, with a suggestion, rather than CLI11's
    // generic "a subcommand is required".
    if (argc > 1 && argv[1][0] != '-') {
      std::vector<std::string> names;
      for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
      if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
        std::string message = fmt::format("unknown command '{}'", argv[1]);
        const auto near = closest_names(argv[1], names, 1);
        message += near.empty() ? fmt::format("; expected one of: {}", fmt::join(names, ", "))
                                : fmt::format("; did you mean '{}'?", near.front());
        throw InputError("", message);
      }
    }
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const InputError& e) {
    std::fprintf(stderr, "suanli: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "suanli: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
