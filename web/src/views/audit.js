// The audit log: every decision (place, preempt, reject, defer) with its
// reason and the rules that denied something, newest first; filters by
// tenant, job, rule and kind; pages through `next` (older) and back.
import { api } from '../api.js';
import { h, fill, field } from '../dom.js';
import { fmt, t } from '../i18n/index.js';
import { RULES, chip, emptyRow, errorBox, kindText, ruleText } from '../labels.js';

const PAGE = 50;
const KINDS = ['place', 'preempt', 'reject', 'defer'];

export function auditView(ctx) {
  const body = h('tbody');
  const err = h('div');
  const pageInfo = h('span', { class: 'hint' });
  const filters = { tenant: '', job: '', rule: '', kind: '' };
  let cursors = [null]; // cursors[i]: the `before` of page i
  let next = null;

  const tenantSel = h('select', {}, h('option', { value: '' }, t('audit.all')));
  if (ctx.who.tenant) tenantSel.append(h('option', { value: ctx.who.tenant, selected: true }, ctx.who.tenant));
  else api.tenants().then(({ tenants }) => tenants.forEach((x) => tenantSel.append(h('option', { value: x.name }, x.name))), () => {});
  const jobIn = h('input', { type: 'number', min: 1, inputmode: 'numeric' });
  const ruleSel = h('select', {}, h('option', { value: '' }, t('audit.all')),
    Object.keys(RULES).map((r) => h('option', { value: r }, ruleText(r))));
  const kindSel = h('select', {}, h('option', { value: '' }, t('audit.all')), KINDS.map((k) => h('option', { value: k }, kindText(k))));
  const older = h('button', { type: 'button', onclick: () => { cursors.push(next); load(); } }, t('audit.older'));
  const newer = h('button', { type: 'button', onclick: () => { cursors.pop(); load(); } }, t('audit.newer'));

  const form = h('form', {
    class: 'filters',
    onsubmit: (ev) => {
      ev.preventDefault();
      Object.assign(filters, { tenant: tenantSel.value, job: jobIn.value.trim(), rule: ruleSel.value, kind: kindSel.value });
      cursors = [null];
      load();
    },
  },
  field(t('audit.tenant'), tenantSel), field(t('audit.job'), jobIn), field(t('audit.rule'), ruleSel),
  field(t('audit.kind'), kindSel), h('button', { type: 'submit', class: 'primary' }, t('audit.apply')));

  const el = h('div', { class: 'audit' },
    h('section', { class: 'card' },
      h('h2', {}, t('audit.title')),
      h('p', { class: 'hint' }, t('audit.hint')),
      form, err,
      h('table', { class: 'grid', 'data-testid': 'decisions' },
        h('thead', {}, h('tr', {},
          h('th', {}, t('audit.at')), h('th', { class: 'num' }, t('audit.job')), h('th', {}, t('audit.kind')),
          h('th', {}, t('audit.chip')), h('th', { class: 'wide' }, t('audit.reason')), h('th', {}, t('audit.denied_by')))),
        body),
      h('div', { class: 'pager' }, newer, pageInfo, older)));

  async function load() {
    const before = cursors[cursors.length - 1];
    try {
      const r = await api.decisions({ ...filters, before, limit: PAGE });
      next = r.next;
      fill(err);
      fill(body, r.decisions.length ? r.decisions.map((d) => {
        const denied = [...new Set((d.verdicts || []).filter((v) => !v.allowed && v.rule).map((v) => v.rule))];
        return h('tr', { 'data-seq': d.seq },
          h('td', {}, fmt.dateTime(d.at)),
          h('td', { class: 'num' }, h('a', { href: `#/queue/${d.job}` }, d.job)),
          h('td', {}, h('span', { class: `badge k-${d.kind}` }, kindText(d.kind))),
          h('td', {}, d.accelerator ? chip(d.accelerator) : '—'),
          h('td', { class: 'reason' }, d.reason),
          h('td', {}, denied.length ? denied.map((r) => h('span', { class: 'badge rule', title: r }, ruleText(r))) : '—'));
      }) : emptyRow(6, t('audit.empty')));
      newer.disabled = cursors.length <= 1;
      older.disabled = !next;
      pageInfo.textContent = t('audit.page', { n: fmt.num(cursors.length, 0) });
    } catch (e) {
      fill(err, errorBox(e));
    }
  }

  // The poll follows the newest page only; older pages stay as read.
  return { el, refresh: () => (cursors.length === 1 ? load() : undefined) };
}
