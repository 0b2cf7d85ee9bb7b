-- job_submit.lua: every Slurm submission is judged by suanli (written by
-- `suanli slurm config`; install it next to slurm.conf with
-- JobSubmitPlugins=lua). Debian packages: slurm-wlm-basic-plugins (the lua
-- plugin), lua-socket, lua-cjson.
--
-- For each submission it POSTs job_desc's fields to suanli serve
-- (/v1/slurm/admit, an operator token read from SUANLI_TOKEN_FILE) and does
-- what the answer says:
--   place  steer the job to what suanli chose: the nodes suanli bound (each
--          node has one model; accounting records the typed GPU TRES), the
--          GPUs per node, the partition of the model's origin; the suanli job
--          id goes into the admin comment (users cannot change it)
--   hold   the same link, held (priority 0): the bridge releases it on the
--          nodes suanli places it on, when it does
--   reject the submission fails; sbatch prints the rule and its reason
--   pass   not suanli's (no GPU, no suanli: comment): unchanged
-- It fails closed: if suanli cannot be reached within SUANLI_TIMEOUT seconds,
-- answers something unexpected, or this script itself fails, nothing is
-- admitted and the user is told why. (A Lua error would otherwise let the
-- job through: Slurm logs it and admits the job unchanged.)
--
-- slurm_job_modify keeps users from undoing the steering: on a job that
-- carries a suanli link, only SUANLI_ADMIN_UIDS (root, SlurmUser, the
-- bridge) may change its GPUs, nodes, partition, account, features or
-- priority (release).

local SUANLI_URL = "@URL@/v1/slurm/admit"
local SUANLI_TOKEN_FILE = "@TOKEN_FILE@"
local SUANLI_TIMEOUT = @TIMEOUT@
local SUANLI_ADMIN_UIDS = { @ADMIN_UIDS@ }

local socket = require("socket")
local http = require("socket.http")
local ltn12 = require("ltn12")
local cjson = require("cjson.safe")

local NO_VAL = 4294967294

local function text(v)
  if v == nil then return "" end
  return tostring(v)
end

local function count(v)
  if v == nil or v >= NO_VAL then return 0 end
  return v
end

local function read_token()
  local f = io.open(SUANLI_TOKEN_FILE, "r")
  if not f then return nil end
  local t = f:read("*l")
  f:close()
  return t
end

local function deny(msg)
  slurm.log_user("%s", msg)
  slurm.log_info("suanli: %s", msg)
  return slurm.ESLURM_ACCESS_DENIED
end

local function admit(job_desc, submit_uid)
  local account = job_desc.account
  if account == nil or account == "" then account = job_desc.default_account end
  local request = {
    account = text(account),
    user = text(job_desc.user_name),
    comment = text(job_desc.comment),
    name = text(job_desc.name),
    partition = text(job_desc.partition),
    features = text(job_desc.features),
    req_nodes = text(job_desc.req_nodes),
    tres_per_node = text(job_desc.tres_per_node),
    tres_per_job = text(job_desc.tres_per_job),
    tres_per_socket = text(job_desc.tres_per_socket),
    tres_per_task = text(job_desc.tres_per_task),
    min_nodes = count(job_desc.min_nodes),
    array = text(job_desc.array_inx),
  }
  local token = read_token()
  if token == nil then
    return deny("suanli: the admission plugin cannot read its token (" .. SUANLI_TOKEN_FILE .. "); no job admitted")
  end
  local body = cjson.encode(request)
  local out = {}
  http.TIMEOUT = SUANLI_TIMEOUT
  local t0 = socket.gettime()
  local ok, status = http.request({
    url = SUANLI_URL,
    method = "POST",
    headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
      ["Content-Length"] = tostring(#body),
    },
    source = ltn12.source.string(body),
    sink = ltn12.sink.table(out),
  })
  local ms = (socket.gettime() - t0) * 1000
  if not ok then
    return deny("suanli: the admission service at " .. SUANLI_URL .. " did not answer (" .. text(status) ..
                "); no job admitted (fail closed)")
  end
  local answer = cjson.decode(table.concat(out))
  if type(answer) ~= "table" then
    return deny("suanli: the admission service answered HTTP " .. text(status) .. " without JSON; no job admitted")
  end
  if status ~= 200 then
    local e = answer.error or {}
    return deny("suanli: " .. text(e.message) .. (e.path and (" [" .. text(e.path) .. "]") or ""))
  end
  local verdict = answer.verdict
  if verdict == "pass" then
    return slurm.SUCCESS
  elseif verdict == "reject" then
    return deny(text(answer.message))
  elseif verdict ~= "place" and verdict ~= "hold" then
    return deny("suanli: unexpected verdict '" .. text(verdict) .. "'; no job admitted")
  end
  job_desc.admin_comment = text(answer.link)
  -- GPUs per node, untyped: the nodes fix the model (and a job suanli
  -- places again elsewhere later needs no GRES type change, which Slurm
  -- cannot make on a pending job).
  job_desc.tres_per_job = ""
  job_desc.tres_per_socket = ""
  job_desc.tres_per_task = ""
  job_desc.tres_per_node = answer.tres_per_node
  job_desc.min_nodes = answer.nodes_count
  job_desc.max_nodes = answer.nodes_count
  if answer.partition ~= nil then job_desc.partition = answer.partition end
  if verdict == "place" then
    job_desc.req_nodes = answer.nodes
  else
    job_desc.priority = 0
  end
  slurm.log_info("suanli: %s %s for %s in %.2f ms: %s", verdict, text(answer.link), text(account), ms,
                 text(answer.message))
  return slurm.SUCCESS
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  local ok, rc = pcall(admit, job_desc, submit_uid)
  if not ok then
    return deny("suanli: the admission plugin failed (" .. text(rc) .. "); no job admitted")
  end
  return rc
end

local function is_admin(uid)
  for _, a in ipairs(SUANLI_ADMIN_UIDS) do
    if uid == a then return true end
  end
  return false
end

function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  if is_admin(modify_uid) then return slurm.SUCCESS end
  local link = job_rec.admin_comment
  if link == nil or not string.find(link, "suanli:job=", 1, true) then return slurm.SUCCESS end
  local touched = job_desc.tres_per_node or job_desc.tres_per_job or job_desc.tres_per_task or
                  job_desc.tres_per_socket or job_desc.req_nodes or job_desc.partition or
                  job_desc.account or job_desc.features or
                  (job_desc.priority ~= nil and job_desc.priority ~= NO_VAL)
  if touched then
    slurm.log_info("suanli: uid %d may not change the GPUs, nodes, partition, account, features or hold of %s",
                   modify_uid, link)
    return slurm.ESLURM_ACCESS_DENIED
  end
  return slurm.SUCCESS
end

slurm.log_info("suanli: job_submit.lua loaded (%s)", SUANLI_URL)
return slurm.SUCCESS
