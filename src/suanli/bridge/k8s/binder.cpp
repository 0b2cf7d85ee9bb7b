#include "suanli/bridge/k8s/binder.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace suanli::bridge::k8s {
namespace {

class RecordOnly final : public Binder {
 public:
  std::string bind(const BindingArgs&) override { return ""; }
  std::string describe() const override { return "record only (no API server: pods are not bound by suanli)"; }
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Path segments in Kubernetes are DNS labels and subdomains, but escape anyway.
std::string escaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class FromApiServer final : public Binder {
 public:
  explicit FromApiServer(ApiServer s) : s_(std::move(s)) {}

  std::string bind(const BindingArgs& b) override {
    httplib::Client client(s_.url);
    if (!client.is_valid()) return fmt::format("the API server URL {} is not usable", s_.url);
    client.set_connection_timeout(s_.timeout_s, 0);
    client.set_read_timeout(s_.timeout_s, 0);
    client.set_write_timeout(s_.timeout_s, 0);
    if (!s_.ca_file.empty()) client.set_ca_cert_path(s_.ca_file.c_str());
    client.enable_server_certificate_verification(true);
    httplib::Headers headers;
    if (!s_.token_file.empty()) {
      std::ifstream in(s_.token_file);
      if (!in) return fmt::format("cannot read the service-account token {}", s_.token_file);
      std::stringstream text;
      text << in.rdbuf();
      headers.emplace("Authorization", "Bearer " + trimmed(text.str()));
    }
    const std::string path =
        fmt::format("/api/v1/namespaces/{}/pods/{}/binding", escaped(b.pod_namespace), escaped(b.pod_name));
    const auto res = client.Post(path, headers, binding_json(b).dump(), "application/json");
    if (!res) return fmt::format("the API server {} did not answer ({})", s_.url, httplib::to_string(res.error()));
    if (res->status == 200 || res->status == 201) return "";
    // A v1.Status body says why.
    std::string why = res->body.substr(0, 300);
    try {
      const Json status = Json::parse(res->body);
      if (const Json* m = member(status, "message"); m && m->is_string()) why = m->get<std::string>();
    } catch (const std::exception&) {
    }
    return fmt::format("the API server refused the binding ({}): {}", res->status, why);
  }

  std::string describe() const override { return "binds through the API server at " + s_.url; }

 private:
  ApiServer s_;
};

}  // namespace

std::unique_ptr<Binder> record_only_binder() { return std::make_unique<RecordOnly>(); }
std::unique_ptr<Binder> api_server_binder(ApiServer server) { return std::make_unique<FromApiServer>(std::move(server)); }

Json binding_json(const BindingArgs& b) {
  Json meta = {{"name", b.pod_name}, {"namespace", b.pod_namespace}};
  if (!b.pod_uid.empty()) meta["uid"] = b.pod_uid;
  return {{"apiVersion", "v1"},
          {"kind", "Binding"},
          {"metadata", meta},
          {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", b.node}}}};
}

}  // namespace suanli::bridge::k8s
