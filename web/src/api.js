// The client of suanli's REST API (/v1, documented at /v1/openapi.json). Every
// request carries the bearer token and the chosen language; errors come back
// as ApiError with the API's JSON error body ({"error": {status, code,
// message, path}}), or code "network" when the server cannot be reached.
import { acceptLanguage, apiLang } from './i18n/index.js';

const TOKEN_KEY = 'suanli.token';

export class ApiError extends Error {
  constructor({ status = 0, code = 'network', message = '', path = '' }) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

export const token = {
  get() { try { return localStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; } },
  set(v) { try { localStorage.setItem(TOKEN_KEY, v); } catch { /* kept for this page only */ } },
  clear() { try { localStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ } },
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) { onUnauthorized = f; }

function url(path, query) {
  const u = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  u.searchParams.set('lang', apiLang());
  return u.pathname + u.search;
}

export async function request(method, path, { query, body, bearer } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': acceptLanguage() };
  const tok = bearer ?? token.get();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError({ code: 'network', message: String(e?.message || e) });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: handled below */ }
  if (!res.ok) {
    const e = data?.error || {};
    const err = new ApiError({ status: res.status, code: e.code || 'error', message: e.message || text.slice(0, 300), path: e.path || '' });
    if (res.status === 401 && bearer === undefined) onUnauthorized(err);
    throw err;
  }
  return data;
}

export const api = {
  whoami: (bearer) => request('GET', '/v1/whoami', { bearer }),
  scenario: () => request('GET', '/v1/scenario'),
  fleet: (query) => request('GET', '/v1/fleet', { query }),
  tenants: (query) => request('GET', '/v1/tenants', { query }),
  share: (query) => request('GET', '/v1/share', { query }),
  jobs: (query) => request('GET', '/v1/jobs', { query }),
  explain: (id) => request('GET', `/v1/jobs/${encodeURIComponent(id)}/explain`),
  submit: (body) => request('POST', '/v1/jobs', { body }),
  cancel: (id, reason) => request('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`, { body: reason ? { reason } : {} }),
  decisions: (query) => request('GET', '/v1/decisions', { query }),
  nodes: () => request('GET', '/v1/nodes'),
  nodeAction: (name, verb, reason) => request('POST', `/v1/nodes/${encodeURIComponent(name)}/${verb}`, { body: reason ? { reason } : {} }),
  exportEvents: () => request('GET', '/v1/export-events'),
  postExport: (body) => request('POST', '/v1/export-events', { body }),
  slurmCluster: () => request('GET', '/v1/slurm/cluster'),
  slurmShare: (query) => request('GET', '/v1/slurm/share', { query }),
};
