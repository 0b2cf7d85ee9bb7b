// `suanli catalog`: list accelerators or models; `suanli catalog show ID`.
#include <fmt/format.h>

#include "suanli/cli/command.h"
#include "suanli/report/catalog_report.h"

namespace suanli::cli {

void add_catalog_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("catalog", "List the accelerators (or models) suanli knows, with sources and grades");
  cmd->footer(
      "Examples:\n"
      "  suanli catalog                 every accelerator, one row each\n"
      "  suanli catalog show h200       one chip: every figure with its source and grade, export class\n"
      "  suanli catalog models          the model zoo\n"
      "  suanli catalog --json          machine-readable\n"
      "  suanli catalog --lang zh       in Chinese, with the chips' Chinese names");
  struct Options {
    bool json = false;
    bool csv = false;
    std::string id;
    std::string lang;
  };
  auto opts = std::make_shared<Options>();
  auto* json_flag = cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->add_flag("--csv", opts->csv, "Print CSV")->excludes(json_flag);
  add_lang_option(cmd, opts->lang, "the table (JSON and CSV stay English)");

  auto* show = cmd->add_subcommand("show", "Show one accelerator (or model) in full");
  show->add_option("id", opts->id, "Accelerator id or alias, e.g. h200, ascend-910c")->required();
  show->add_flag("--json", opts->json, "Print JSON");
  add_lang_option(show, opts->lang, "the text (JSON stays English)");

  auto* models = cmd->add_subcommand("models", "List the model zoo");
  auto* models_json_flag = models->add_flag("--json", opts->json, "Print JSON");
  models->add_flag("--csv", opts->csv, "Print CSV")->excludes(models_json_flag);

  show->callback([&ctx, opts] {
    const i18n::Lang lang = output_lang(opts->lang);
    const Catalog& c = ctx.catalog();
    if (c.find_accelerator(opts->id) == nullptr) {
      if (const ModelSpec* m = c.find_model(opts->id)) {
        write_output(opts->json ? report::model_json(*m) : report::model_detail(*m), "");
        return;
      }
    }
    const Accelerator& a = c.accelerator(opts->id, "catalog show");
    write_output(opts->json ? report::accelerator_json(a, c) : report::accelerator_detail(a, c, lang), "");
  });
  models->callback([&ctx, opts] {
    const Catalog& c = ctx.catalog();
    if (opts->json) return write_output(report::models_json(c), "");
    const report::Table t = report::model_table(c);
    write_output(opts->csv ? t.csv() : t.render(), "");
  });
  cmd->callback([&ctx, opts, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    const i18n::Lang lang = output_lang(opts->lang);
    const Catalog& c = ctx.catalog();
    if (opts->json) return write_output(report::accelerators_json(c), "");
    // CSV is data: English headers whatever the language.
    if (opts->csv) return write_output(report::accelerator_table(c).csv(), "");
    write_output(report::accelerator_table(c, lang).render() + "\n" + report::accelerator_table_footer(lang), "");
  });
}

}  // namespace suanli::cli
