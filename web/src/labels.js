// Words for the API's enumerations and ids, shared by every view: job status,
// decision kinds, origins, sectors, roles, export effects, rule ids, node
// states; chip names; error messages. Values the catalogue does not know are
// shown as the API sent them.
import { h } from './dom.js';
import { isZh, t } from './i18n/index.js';

const STATUS = {
  pending: 'status.pending', placed: 'status.placed', running: 'status.running', finished: 'status.finished',
  failed: 'status.failed', cancelled: 'status.cancelled', rejected: 'status.rejected',
};
const KIND = { place: 'decision.place', preempt: 'decision.preempt', reject: 'decision.reject', defer: 'decision.defer' };
const ORIGIN = { domestic: 'origin.domestic', imported: 'origin.imported' };
const SECTOR = {
  telecom: 'sector.telecom', energy: 'sector.energy', finance: 'sector.finance', transport: 'sector.transport',
  government: 'sector.government', internet: 'sector.internet', education: 'sector.education',
  research: 'sector.research', healthcare: 'sector.healthcare', manufacturing: 'sector.manufacturing',
  media: 'sector.media', other: 'sector.other',
};
const ROLE = { tenant: 'role.tenant', operator: 'role.operator', auditor: 'role.auditor' };
export const EFFECTS = {
  'immediate-loss': 'effect.immediate_loss', 'no-new-supply': 'effect.no_new_supply',
  'no-support': 'effect.no_support', restored: 'effect.restored',
};
export const RULES = {
  'cii-domestic-only': 'rule.cii_domestic_only', 'gap-only': 'rule.gap_only',
  'imported-cap': 'rule.imported_cap', 'ported-stack': 'rule.ported_stack',
};
const JOB_KIND = { train: 'jobkind.train', finetune: 'jobkind.finetune', serve: 'jobkind.serve', 'batch-infer': 'jobkind.batch_infer' };
const NODE_STATUS = { up: 'node.up', drained: 'node.drained', failed: 'node.failed', lost: 'node.lost', retired: 'node.retired' };

const word = (table, v) => (v != null && table[v] ? t(table[v]) : v ?? '—');
export const statusText = (v) => word(STATUS, v);
export const kindText = (v) => word(KIND, v);
export const originText = (v) => word(ORIGIN, v);
export const sectorText = (v) => word(SECTOR, v);
export const roleText = (v) => word(ROLE, v);
export const effectText = (v) => word(EFFECTS, v);
export const ruleText = (v) => word(RULES, v);
export const jobKindText = (v) => word(JOB_KIND, v);
export const nodeStatusText = (v) => word(NODE_STATUS, v);

// Chip names from the last /v1/fleet: the Chinese name (name_zh) in Chinese
// when the API gives one, else the catalogue's name; the id when unknown.
const chips = new Map();
export function learnChips(models) {
  for (const m of models || []) chips.set(m.accelerator, m);
}
export function chipName(id) {
  const m = chips.get(id);
  if (!m) return id ?? '—';
  return (isZh() && m.name_zh) || m.name || id;
}
export const chipOrigin = (id) => chips.get(id)?.origin;

export function originBadge(origin) {
  return origin ? h('span', { class: `badge ${origin}` }, originText(origin)) : null;
}
export function statusBadge(status) {
  return h('span', { class: `badge st-${status}` }, statusText(status));
}
// A chip: its name with the id in the tooltip, and its origin.
export function chip(id, origin = chipOrigin(id)) {
  if (!id) return '—';
  return h('span', { class: 'chip', title: id }, chipName(id), ' ', originBadge(origin));
}

// An API error as one readable line: what went wrong in the user's language,
// then the server's own message and JSON path.
export function errorText(e) {
  const codes = {
    network: 'error.network', unauthorized: 'error.unauthorized', forbidden: 'error.forbidden',
    not_found: 'error.not_found', invalid: 'error.invalid', conflict: 'error.conflict', too_large: 'error.too_large',
    unavailable: 'error.unavailable', internal: 'error.internal',
  };
  const head = t(codes[e?.code] || 'error.other', { status: e?.status ?? '' });
  const detail = [e?.path, e?.message].filter(Boolean).join(': ');
  return detail ? `${head} ${detail}` : head;
}
export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, errorText(e));
}
export function emptyRow(cols, text) {
  return h('tr', { class: 'empty' }, h('td', { colspan: cols }, text));
}
