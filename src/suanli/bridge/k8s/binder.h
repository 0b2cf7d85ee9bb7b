// Binder: makes a placement real in Kubernetes once suanli has recorded it.
//
// With bindVerb configured, kube-scheduler hands the whole bind to the
// extender, so after suanli's log accepts the placement the pod must still
// be bound through the API server: POST
// /api/v1/namespaces/{ns}/pods/{name}/binding with a v1.Binding. ApiServerBinder
// does that with a service-account token (re-read from its file on every
// bind: kubelet rotates projected tokens) and the cluster's CA.
// RecordOnlyBinder binds nothing: for a dry run or a cluster where another
// component binds.
//
// Thread-safe: bind() may run on many request threads at once.
#pragma once

#include <memory>
#include <string>

#include "suanli/bridge/k8s/objects.h"

namespace suanli::bridge::k8s {

class Binder {
 public:
  virtual ~Binder() = default;
  // "" once the pod is bound, else why not (one line).
  virtual std::string bind(const BindingArgs& b) = 0;
  virtual std::string describe() const = 0;
};

struct ApiServer {
  std::string url;         // https://10.96.0.1:443, http://127.0.0.1:8001 (kubectl proxy), ...
  std::string token_file;  // "" = no Authorization header
  std::string ca_file;     // "" = the system's CA bundle (https only)
  int timeout_s = 5;
};

std::unique_ptr<Binder> record_only_binder();
std::unique_ptr<Binder> api_server_binder(ApiServer server);

// The v1.Binding that binds `b`'s pod to its node.
Json binding_json(const BindingArgs& b);

}  // namespace suanli::bridge::k8s
