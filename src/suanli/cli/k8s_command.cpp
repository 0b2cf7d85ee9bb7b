// `suanli k8s labels|mapping`, and `suanli serve`'s Kubernetes extender flags.
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "suanli/bridge/k8s/extender.h"
#include "suanli/bridge/k8s/labels.h"
#include "suanli/bridge/k8s/mapping.h"
#include "suanli/cli/command.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/server/service.h"

namespace suanli::cli {
namespace {

constexpr const char* kServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";

// The mapping file (JSON) over the defaults; errors located "FILE: $.path: ...".
bridge::k8s::Mapping load_mapping(const std::string& path, const Catalog& catalog) {
  if (path.empty()) return {};
  const std::string text = config::read_file(path);
  try {
    const wire::Json j = wire::parse_json(text);
    return bridge::k8s::read_mapping(wire::JsonReader(j, "$"), catalog);
  } catch (const InputError& e) {
    throw InputError(path, e.what());
  }
}

struct LabelsOptions {
  std::string scenario = "h200-window";
  std::string format = "kubectl";
  std::string mapping;
  bool taint_imported = false;
  std::string output;
};

}  // namespace

void add_k8s_serve_options(CLI::App& serve, K8sServeOptions& o) {
  serve.add_flag("--k8s", o.enabled, "Serve the kube-scheduler extender: POST /v1/k8s/{filter,prioritize}");
  serve.add_flag("--k8s-bind", o.bind, "Also serve bind: record the placement, then bind the pod (implies --k8s)");
  serve.add_option("--k8s-mapping", o.mapping, "JSON file: how pods and nodes map to tenants, jobs and accelerators "
                                               "(suanli k8s mapping prints the defaults)");
  serve.add_option("--k8s-api", o.api, "Where bind binds pods: an API server URL, in-cluster (the service account's; "
                                       "the default when it exists) or none (record only)");
  serve.add_option("--k8s-api-token-file", o.api_token_file, "Bearer token file for --k8s-api URL (re-read on each bind)");
  serve.add_option("--k8s-api-ca", o.api_ca, "CA certificate file for an https --k8s-api URL");
}

std::unique_ptr<bridge::k8s::Extender> make_extender(Context& ctx, const K8sServeOptions& o, server::Service& service) {
  if (!o.enabled && !o.bind) return nullptr;
  bridge::k8s::Mapping mapping;
  try {
    mapping = load_mapping(o.mapping, ctx.catalog());
  } catch (const InputError& e) {
    throw InputError("--k8s-mapping", e.what());
  }
  std::unique_ptr<bridge::k8s::Binder> binder = bridge::k8s::record_only_binder();
  if (o.bind) {
    bridge::k8s::ApiServer api;
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    if (o.api == "none") {
      api.url.clear();
    } else if (o.api.empty() || o.api == "in-cluster") {
      if (!host || !port) {
        throw InputError("--k8s-api", "found no API server: not in a pod (KUBERNETES_SERVICE_HOST is unset); expected "
                                      "--k8s-api URL, or none to record placements without binding pods");
      }
      const std::string h = host;
      api.url = fmt::format("https://{}:{}", h.find(':') != std::string::npos ? "[" + h + "]" : h, port);
      api.token_file = std::string(kServiceAccount) + "/token";
      api.ca_file = std::string(kServiceAccount) + "/ca.crt";
    } else {
      if (o.api.rfind("http://", 0) != 0 && o.api.rfind("https://", 0) != 0) {
        throw InputError("--k8s-api", fmt::format("found '{}', expected http(s)://HOST:PORT, in-cluster or none", o.api));
      }
      api.url = o.api;
    }
    if (!o.api_token_file.empty()) api.token_file = o.api_token_file;
    if (!o.api_ca.empty()) api.ca_file = o.api_ca;
    for (const auto& [file, flag] : {std::pair{api.token_file, "--k8s-api-token-file"}, std::pair{api.ca_file, "--k8s-api-ca"}}) {
      if (!api.url.empty() && !file.empty() && !std::filesystem::exists(file)) {
        throw InputError(flag, fmt::format("found no file '{}'", file));
      }
    }
    if (!api.url.empty()) binder = bridge::k8s::api_server_binder(api);
  }
  bridge::k8s::ExtenderOptions eo;
  eo.bind = o.bind;
  return std::make_unique<bridge::k8s::Extender>(service, std::move(mapping), eo, std::move(binder));
}

void add_k8s_command(CLI::App& app, Context& ctx) {
  auto* k8s = app.add_subcommand("k8s", "Kubernetes: node labels for a fleet, the extender's mapping");
  k8s->require_subcommand(1);
  k8s->footer(
      "The extender itself runs in `suanli serve --k8s` (README: Kubernetes).\n"
      "Examples:\n"
      "  suanli k8s labels --scenario import-cut > label-nodes.sh\n"
      "  suanli k8s labels --format yaml --taint-imported | kubectl apply --server-side -f -\n"
      "  suanli k8s mapping > mapping.json     # the defaults, to edit for --k8s-mapping\n");

  auto lo = std::make_shared<LabelsOptions>();
  auto* labels = k8s->add_subcommand("labels", "The node labels (and taints) to apply to a scenario's fleet");
  labels->footer(
      "Example:\n"
      "  suanli k8s labels --scenario h200-window --taint-imported > label-nodes.sh && sh label-nodes.sh\n");
  labels->add_option("--scenario", lo->scenario, "Scenario name or YAML file")->capture_default_str();
  labels->add_option("--format", lo->format, "kubectl (commands) or yaml (Node documents)")
      ->capture_default_str()
      ->check(CLI::IsMember({"kubectl", "yaml"}));
  labels->add_option("--mapping", lo->mapping, "JSON mapping file (label keys)");
  labels->add_flag("--taint-imported", lo->taint_imported,
                   "Also taint imported nodes suanli.io/origin=imported:NoSchedule");
  labels->add_option("-o,--output", lo->output, "Write to this file instead of stdout");
  labels->callback([&ctx, lo] {
    const Catalog& catalog = ctx.catalog();
    const Scenario s = config::load_scenario(catalog, lo->scenario);
    bridge::k8s::LabelOptions opts;
    opts.format = lo->format == "yaml" ? bridge::k8s::LabelFormat::Yaml : bridge::k8s::LabelFormat::Kubectl;
    opts.taint_imported = lo->taint_imported;
    write_output(bridge::k8s::node_labels(s, catalog, load_mapping(lo->mapping, catalog), opts), lo->output);
  });

  auto mapping_file = std::make_shared<std::string>();
  auto* mapping = k8s->add_subcommand("mapping", "Print the mapping (the defaults, or a file's over them) as JSON");
  mapping->add_option("--mapping", *mapping_file, "JSON mapping file to check and print");
  mapping->callback([&ctx, mapping_file] {
    write_output(bridge::k8s::mapping_json(load_mapping(*mapping_file, ctx.catalog())).dump(2) + "\n", "");
  });
}

}  // namespace suanli::cli
