// The admission plugin's source (job_submit.lua in this folder), compiled in;
// slurm_config.cpp fills in its settings (@URL@, @TOKEN_FILE@, @TIMEOUT@,
// @ADMIN_UIDS@).
#pragma once

#include <string_view>

namespace suanli::bridge::slurm {

std::string_view job_submit_lua_template();

}  // namespace suanli::bridge::slurm
