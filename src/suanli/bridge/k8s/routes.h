// The extender's routes on `suanli serve` (README "Kubernetes"): kube-scheduler
// POSTs to <urlPrefix>/<verb>.
//
//   POST /v1/k8s/filter, /v1/k8s/prioritize, /v1/k8s/bind
//        with "Authorization: Bearer <token>" (curl, tests, a proxy that adds it)
//   POST /v1/k8s/{token}/filter, .../prioritize, .../bind
//        the token in the path: kube-scheduler's extender client sends no
//        headers of its own (only TLS client certificates), so the urlPrefix
//        carries the token: urlPrefix: http://suanli:8080/v1/k8s/sl_...
//
// filter and prioritize need a token that reads everything (operator or
// auditor: they read every tenant's imported use); bind needs an operator's.
// The routes are always registered so that the OpenAPI document matches the
// server; without an extender (suanli serve without --k8s) they answer 404
// saying how to turn it on, and bind does the same without --k8s-bind.
// Bodies that are not the wire types get 400 with the JSON path.
#pragma once

#include "suanli/bridge/k8s/extender.h"
#include "suanli/server/access.h"
#include "suanli/server/http_api.h"

namespace suanli::bridge::k8s {

// Registers the routes on `http` (before bind()). `extender` may be null
// (the extender is off); it must outlive `http`.
void add_routes(server::HttpServer& http, server::Access& access, Extender* extender);

}  // namespace suanli::bridge::k8s
