#include "suanli/bridge/slurm/submission.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::bridge::slurm {
namespace {

using wire::Json;

// Slurm's NO_VAL (0xfffffffe) and INFINITE (0xffffffff) mean "not given".
int count_field(const wire::JsonReader& r, std::string_view key) {
  const auto v = r.opt_number(key);
  if (!v || *v < 0 || *v >= 4294967294.0) return 0;
  return static_cast<int>(*v);
}

std::vector<std::string_view> split(std::string_view text, std::string_view seps) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || seps.find(text[i]) != std::string_view::npos) {
      if (i > start) out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Gpus {
  bool any = false;
  long count = 0;
  std::string type;
};

// The GPU entries of a TRES string: "gres:gpu:h200:2,gres:nic:1" (also
// "gres/gpu:h200=2"); several GPU entries add up and must agree on the type.
Gpus parse_tres(std::string_view tres, std::string_view option) {
  Gpus g;
  for (std::string_view entry : split(tres, ",")) {
    std::string e(entry);
    for (char& c : e) {
      if (c == '/' || c == '=') c = ':';
    }
    std::vector<std::string_view> parts = split(e, ":");
    if (!parts.empty() && parts.front() == "gres") parts.erase(parts.begin());
    if (parts.empty() || parts.front() != "gpu") continue;
    std::string type;
    long count = 1;
    if (parts.size() == 2) {
      if (all_digits(parts[1])) {
        count = std::stol(std::string(parts[1]));
      } else {
        type = parts[1];
      }
    } else if (parts.size() >= 3) {
      type = parts[1];
      if (!all_digits(parts[2])) {
        throw InputError(std::string(option), fmt::format("found '{}', expected gpu[:TYPE]:COUNT", entry));
      }
      count = std::stol(std::string(parts[2]));
    }
    if (g.any && g.type != type) {
      throw InputError(std::string(option), fmt::format("found GPU types '{}' and '{}', expected one type per job",
                                                        g.type, type));
    }
    g.any = true;
    g.type = type;
    g.count += count;
  }
  return g;
}

void put_number(Json& body, const std::string& key, const std::string& value) {
  double v = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size()) {
    throw InputError("--comment", fmt::format("suanli:{}: found '{}', expected a number", key, value));
  }
  body[key] = v;
}

}  // namespace

SlurmSubmission read_submission(const wire::JsonReader& r) {
  r.expect_object({"account", "user", "comment", "name", "partition", "features", "req_nodes", "tres_per_node",
                   "tres_per_job", "tres_per_socket", "tres_per_task", "min_nodes", "array"});
  SlurmSubmission s;
  s.account = r.opt_text("account").value_or("");
  s.user = r.opt_text("user").value_or("");
  s.comment = r.opt_text("comment").value_or("");
  s.name = r.opt_text("name").value_or("");
  s.partition = r.opt_text("partition").value_or("");
  s.features = r.opt_text("features").value_or("");
  s.req_nodes = r.opt_text("req_nodes").value_or("");
  s.tres_per_node = r.opt_text("tres_per_node").value_or("");
  s.tres_per_job = r.opt_text("tres_per_job").value_or("");
  s.tres_per_socket = r.opt_text("tres_per_socket").value_or("");
  s.tres_per_task = r.opt_text("tres_per_task").value_or("");
  s.min_nodes = count_field(r, "min_nodes");
  s.array = r.opt_text("array").value_or("");
  return s;
}

GpuRequest gpu_request(const SlurmSubmission& s) {
  if (parse_tres(s.tres_per_socket, "--gpus-per-socket").any || parse_tres(s.tres_per_task, "--gpus-per-task").any) {
    throw InputError("--gpus-per-task", "found GPUs per task or per socket, expected --gres=gpu[:TYPE]:N per node or "
                                        "--gpus=[TYPE:]N for the job (suanli sizes and places whole jobs)");
  }
  const Gpus per_node = parse_tres(s.tres_per_node, "--gres");
  const Gpus per_job = parse_tres(s.tres_per_job, "--gpus");
  GpuRequest g;
  if (per_node.any && per_job.any) {
    throw InputError("--gpus", "found both --gres=gpu and --gpus, expected one of them");
  }
  if (per_job.any) {
    g.given = true;
    g.total = static_cast<int>(std::min<long>(per_job.count, 1'000'000));
    g.type = per_job.type;
  } else if (per_node.any) {
    g.given = true;
    const long nodes = std::max(1, s.min_nodes);
    g.total = static_cast<int>(std::min<long>(per_node.count * nodes, 1'000'000));
    g.type = per_node.type;
  }
  if (g.given && g.total <= 0) throw InputError("--gres", "found a request for 0 GPUs, expected at least 1");
  return g;
}

Convention parse_convention(std::string_view comment) {
  Convention c;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = comment.find("suanli:"); i != std::string_view::npos; i = comment.find("suanli:", i + 1)) {
    if (i == 0 || comment[i - 1] == ' ' || comment[i - 1] == '\t' || comment[i - 1] == ';') {
      at = i;
      break;
    }
  }
  if (at == std::string_view::npos) return c;
  c.present = true;
  std::string_view rest = comment.substr(at + 7);
  rest = rest.substr(0, std::min(rest.find(' '), rest.find('\t')));
  for (std::string_view kv : split(rest, ",;")) {
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw InputError("--comment", fmt::format("found '{}' in suanli:..., expected KEY=VALUE (e.g. class=NAME)", kv));
    }
    c.fields.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return c;
}

std::vector<std::string> asked_models(const SlurmSubmission& s, const GpuRequest& gpus, const Catalog& catalog,
                                      const std::vector<std::string>& fleet) {
  std::vector<std::string> out;
  if (!gpus.type.empty()) {
    const Accelerator* a = catalog.find_accelerator(gpus.type);
    if (!a) {
      throw InputError("--gres", fmt::format("found GPU type '{}', expected one of the fleet's: {}", gpus.type,
                                             fmt::join(fleet, ", ")));
    }
    out.push_back(a->id);
  }
  // Node features: model ids and origins narrow the choice; others are the site's.
  std::vector<std::string> named;
  std::vector<Origin> origins;
  for (std::string_view token : split(s.features, "&|,[]()*! ")) {
    if (all_digits(token)) continue;
    if (const auto o = parse_origin(token)) {
      origins.push_back(*o);
    } else if (const Accelerator* a = catalog.find_accelerator(token)) {
      named.push_back(a->id);
    }
  }
  if (named.empty() && origins.empty()) return out;
  std::vector<std::string> allowed;
  for (const std::string& id : fleet) {
    const Accelerator& a = catalog.accelerator(id);
    const bool by_name = named.empty() || std::find(named.begin(), named.end(), id) != named.end();
    const bool by_origin = origins.empty() || std::find(origins.begin(), origins.end(), a.origin) != origins.end();
    if (by_name && by_origin) allowed.push_back(id);
  }
  if (out.empty()) {
    if (!allowed.empty()) return allowed;
    if (!named.empty()) return named;  // models the fleet lacks: the scheduler says so
    throw InputError("--constraint", fmt::format("found features '{}' that no accelerator model of the fleet has ({})",
                                                 s.features, fmt::join(fleet, ", ")));
  }
  // A typed request and features: the type, if the features allow it.
  if (std::find(allowed.begin(), allowed.end(), out.front()) == allowed.end()) {
    throw InputError("--constraint", fmt::format("found features '{}' that exclude the GPU type '{}' asked for",
                                                 s.features, out.front()));
  }
  return out;
}

std::optional<wire::Json> submit_body(const SlurmSubmission& s, const Catalog& catalog,
                                      const std::vector<JobClass>& classes, const std::vector<std::string>& fleet,
                                      const std::string& external_id) {
  const Convention conv = parse_convention(s.comment);
  const GpuRequest gpus = gpu_request(s);
  if (!gpus.given && !conv.present) return std::nullopt;
  if (s.account.empty()) throw InputError("-A", "found no account, expected -A TENANT (the suanli tenant the job is for)");
  if (!s.array.empty()) {
    throw InputError("--array", fmt::format("found a job array ({}), expected one job per submission (suanli admits and "
                                            "places each job on its own)",
                                            s.array));
  }
  Json body = {{"tenant", s.account}, {"external_id", external_id}};
  bool what = false;
  for (const auto& [key, value] : conv.fields) {
    if (key == "class") {
      body["class"] = value;
      what = true;
    } else if (key == "model") {
      body["model"] = value;
      what = true;
    } else if (key == "kind" || key == "precision") {
      body[key] = value;
    } else if (key == "stacks") {
      Json stacks = Json::array();
      for (std::string_view st : split(value, "+/ ")) stacks.push_back(std::string(st));
      body["stacks"] = stacks;
    } else if (key == "work_tokens") {
      put_number(body, key, value);
    } else if (key == "duration") {
      body["duration"] = value;
    } else if (key == "tokens_per_s" || key == "tpot_ms") {
      Json tmp;
      put_number(tmp, key, value);
      if (!body.contains("slo")) body["slo"] = Json::object();
      body["slo"][key == "tokens_per_s" ? "min_tokens_per_s" : "max_tpot_ms"] = tmp[key];
    } else {
      const std::vector<std::string> keys = {"class",    "model",       "kind",   "precision", "stacks",
                                             "work_tokens", "duration", "tokens_per_s", "tpot_ms"};
      const auto near = closest_names(key, keys, 1);
      throw InputError("--comment", fmt::format("found key '{}' in suanli:..., expected one of {}{}", key,
                                                fmt::join(keys, ", "),
                                                near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near.front())));
    }
  }
  if (!what) {
    std::vector<std::string> own;
    for (const JobClass& jc : classes) {
      if (jc.tenant == s.account) own.push_back(jc.name);
    }
    throw InputError("--comment",
                     fmt::format("found no job description, expected --comment=suanli:class=NAME{} or "
                                 "suanli:model=ID,kind=KIND,stacks=S1+S2",
                                 own.empty() ? "" : fmt::format(" (classes of {}: {})", s.account, fmt::join(own, ", "))));
  }
  if (gpus.given) body["devices"] = gpus.total;
  const std::vector<std::string> models = asked_models(s, gpus, catalog, fleet);
  if (!models.empty()) body["accelerators"] = models;
  std::string note = fmt::format("slurm submission by {}", s.user.empty() ? "?" : s.user);
  if (!s.name.empty()) note += fmt::format(" ('{}')", s.name);
  body["note"] = note;
  return body;
}

std::int64_t linked_job(std::string_view admin_comment) {
  const auto at = admin_comment.find("suanli:job=");
  if (at == std::string_view::npos) return 0;
  std::string_view digits = admin_comment.substr(at + 11);
  std::int64_t id = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  return ec == std::errc() ? id : 0;
}

std::string link_comment(std::int64_t job) { return fmt::format("suanli:job={}", job); }

}  // namespace suanli::bridge::slurm
