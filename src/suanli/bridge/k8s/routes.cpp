#include "suanli/bridge/k8s/routes.h"

#include <httplib.h>

#include <fmt/format.h>

#include "suanli/wire/json_reader.h"

namespace suanli::bridge::k8s {
namespace {

enum class Verb { Filter, Prioritize, Bind };

const char* name(Verb v) {
  switch (v) {
    case Verb::Filter: return "filter";
    case Verb::Prioritize: return "prioritize";
    case Verb::Bind: return "bind";
  }
  return "filter";
}

void handle(Verb verb, Extender* ext, const httplib::Request& req, httplib::Response& res, const server::Principal& who) {
  if (!ext) server::fail(404, "the Kubernetes extender is off: start suanli serve with --k8s");
  if (verb == Verb::Bind && !ext->options().bind) {
    server::fail(404, "binding through suanli is off: start suanli serve with --k8s-bind (or leave bindVerb out of "
                      "the scheduler's extender stanza)");
  }
  if (verb == Verb::Bind ? !who.can_operate() : !who.can_read_all()) {
    server::fail(403, fmt::format("the {} role may not {} (a token that {} is needed)", server::name(who.role), name(verb),
                                  verb == Verb::Bind ? "operates: role operator" : "reads every tenant: operator or auditor"));
  }
  const wire::Json body = wire::parse_json(req.body);
  switch (verb) {
    case Verb::Filter: server::reply(res, 200, ext->filter(body)); break;
    case Verb::Prioritize: server::reply(res, 200, ext->prioritize(body)); break;
    case Verb::Bind: server::reply(res, 200, ext->bind(body, who.token_id)); break;
  }
}

}  // namespace

void add_routes(server::HttpServer& http, server::Access& access, Extender* extender) {
  for (Verb verb : {Verb::Filter, Verb::Prioritize, Verb::Bind}) {
    const std::string v = name(verb);
    http.add_route("POST", "/v1/k8s/" + v, "POST /v1/k8s/" + v, server::Need::Any,
                   [verb, extender](const httplib::Request& req, httplib::Response& res, const server::Principal& who) {
                     handle(verb, extender, req, res, who);
                   });
    // The token in the path: authenticated here, as add_route would a header.
    http.add_route("POST", "/v1/k8s/([^/]+)/" + v, "POST /v1/k8s/{token}/" + v, server::Need::None,
                   [verb, extender, &access](const httplib::Request& req, httplib::Response& res, const server::Principal&) {
                     const auto who = access.authenticate("Bearer " + std::string(req.matches[1]));
                     if (!who) server::fail(401, "a valid token is required in the path: /v1/k8s/sl_.../" + std::string(name(verb)));
                     handle(verb, extender, req, res, *who);
                   });
  }
}

}  // namespace suanli::bridge::k8s
