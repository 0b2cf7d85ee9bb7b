// Operations: export-policy events (an import cut, a support withdrawal, a
// restoration) applied to the live fleet, and node drain / fail / resume.
// Operators get the forms; auditors see the same state read-only.
import { api } from '../api.js';
import { h, fill, field } from '../dom.js';
import { fmt, t } from '../i18n/index.js';
import { EFFECTS, chip, chipName, effectText, emptyRow, errorBox, errorText, nodeStatusText, originBadge } from '../labels.js';

const VERBS = { drain: 'ops.drain', fail: 'ops.fail', resume: 'ops.resume' };

export function opsView(ctx) {
  const operator = ctx.who.role === 'operator';
  const err = h('div');
  const exportMsg = h('div', { class: 'form-msg', role: 'status', 'data-testid': 'export-msg' });
  const nodeMsg = h('div', { class: 'form-msg', role: 'status', 'data-testid': 'node-msg' });
  const eventsBody = h('tbody');
  const nodesBody = h('tbody');
  const cutInfo = h('p', { class: 'hint' });

  // --- the export-event form ---
  const chipsBox = h('div', { class: 'checks' });
  const effectSel = h('select', {}, Object.keys(EFFECTS).map((e) => h('option', { value: e }, effectText(e))));
  const grace = h('input', { type: 'number', min: 0, step: 'any', value: '0' });
  const label = h('input', { type: 'text', autocomplete: 'off' });
  const graceField = field(t('ops.grace'), grace, t('ops.grace_hint'));
  const syncGrace = () => { graceField.hidden = effectSel.value !== 'no-support'; };
  effectSel.addEventListener('change', syncGrace);
  syncGrace();
  let chipsFor = '';

  function renderChips() {
    const models = ctx.fleet?.models || [];
    const key = models.map((m) => m.accelerator).join(',');
    if (key === chipsFor) return;
    chipsFor = key;
    const sorted = [...models].sort((a, b) => (a.origin === b.origin ? a.accelerator.localeCompare(b.accelerator) : a.origin === 'imported' ? -1 : 1));
    fill(chipsBox, sorted.map((m) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: m.accelerator }), ' ', chipName(m.accelerator), ' ', originBadge(m.origin))));
  }

  const exportForm = h('form', {
    class: 'card',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const accelerators = [...chipsBox.querySelectorAll('input:checked')].map((x) => x.value);
      if (!accelerators.length) {
        exportMsg.className = 'form-msg error';
        exportMsg.textContent = t('ops.pick_chip');
        return;
      }
      const body = { accelerators, effect: effectSel.value };
      if (effectSel.value === 'no-support' && Number(grace.value) > 0) body.grace = Math.round(Number(grace.value) * 86400);
      if (label.value.trim()) body.label = label.value.trim();
      exportMsg.className = 'form-msg';
      exportMsg.textContent = t('ops.sending');
      try {
        const r = await api.postExport(body);
        const last = r.export.events[r.export.events.length - 1];
        exportMsg.className = 'form-msg ok';
        exportMsg.textContent = t('ops.export_done', {
          effect: effectText(body.effect), chips: accelerators.map(chipName).join(t('list.sep')),
          nodes: fmt.num(last?.nodes_affected ?? 0, 0), decisions: fmt.num(r.applied.decisions.length, 0),
        });
        ctx.refresh();
      } catch (e) {
        exportMsg.className = 'form-msg error';
        exportMsg.textContent = errorText(e);
      }
    },
  },
  h('h2', {}, t('ops.export_title')),
  h('p', { class: 'hint' }, t('ops.export_hint')),
  h('fieldset', {}, h('legend', {}, t('ops.chips')), chipsBox),
  field(t('ops.effect'), effectSel), graceField, field(t('ops.label'), label, t('ops.label_hint')),
  h('button', { type: 'submit', class: 'primary' }, t('ops.apply')), exportMsg);

  // --- nodes ---
  const nodeReason = h('input', { type: 'text', autocomplete: 'off' });
  const nodeFilter = h('select', { onchange: () => ctx.refresh() }, h('option', { value: '' }, t('ops.all_chips')));
  let filterFor = '';

  async function nodeAction(name, verb) {
    nodeMsg.className = 'form-msg';
    nodeMsg.textContent = t('ops.sending');
    try {
      const r = await api.nodeAction(name, verb, nodeReason.value.trim());
      nodeMsg.className = 'form-msg ok';
      nodeMsg.textContent = t('ops.node_done', { node: name, action: t(VERBS[verb]), decisions: fmt.num(r.applied.decisions.length, 0) });
      ctx.refresh();
    } catch (e) {
      nodeMsg.className = 'form-msg error';
      nodeMsg.textContent = errorText(e);
    }
  }

  const el = h('div', { class: 'ops' },
    err,
    h('div', { class: 'two' },
      operator ? exportForm : null,
      h('section', { class: 'card' },
        h('h2', {}, t('ops.events_title')), cutInfo,
        h('table', { class: 'grid', 'data-testid': 'export-events' },
          h('thead', {}, h('tr', {}, h('th', {}, t('ops.at')), h('th', {}, t('ops.effect')), h('th', {}, t('ops.chips')),
            h('th', {}, t('ops.grace_col')), h('th', {}, t('ops.label')), h('th', { class: 'num' }, t('ops.nodes_affected')))),
          eventsBody))),
    h('section', { class: 'card' },
      h('h2', {}, t('ops.nodes_title')),
      h('div', { class: 'filters' }, field(t('ops.filter_chip'), nodeFilter), operator ? field(t('ops.node_reason'), nodeReason) : null),
      nodeMsg,
      h('table', { class: 'grid', 'data-testid': 'nodes' },
        h('thead', {}, h('tr', {}, h('th', {}, t('ops.node')), h('th', {}, t('ops.chip')), h('th', {}, t('ops.zone')),
          h('th', { class: 'num' }, t('ops.devices')), h('th', { class: 'num' }, t('ops.free')), h('th', {}, t('ops.status')),
          h('th', {}, t('ops.reason')), h('th', { class: 'num' }, t('ops.jobs')),
          operator ? h('th', {}, t('ops.actions')) : null)),
        nodesBody)));

  function renderNodes(nodes) {
    const chips = [...new Set(nodes.map((n) => n.accelerator))];
    if (chips.join(',') !== filterFor) {
      filterFor = chips.join(',');
      const keep = nodeFilter.value;
      fill(nodeFilter, h('option', { value: '' }, t('ops.all_chips')), chips.map((c) => h('option', { value: c, selected: c === keep }, chipName(c))));
    }
    const shown = nodes.filter((n) => !nodeFilter.value || n.accelerator === nodeFilter.value);
    const cols = operator ? 9 : 8;
    fill(nodesBody, shown.length ? shown.map((n) => h('tr', { 'data-node': n.name },
      h('td', { class: 'node' }, n.name), h('td', {}, chip(n.accelerator, n.origin)), h('td', {}, n.zone || '—'),
      h('td', { class: 'num' }, fmt.num(n.devices, 0)), h('td', { class: 'num' }, fmt.num(n.free, 0)),
      h('td', {}, h('span', { class: `badge n-${n.status}` }, nodeStatusText(n.status))),
      h('td', { class: 'reason' }, n.reason || '—'),
      h('td', { class: 'num', title: n.jobs.join(', ') }, fmt.num(n.jobs.length, 0)),
      operator ? h('td', { class: 'actions' },
        n.status === 'up' ? [
          h('button', { type: 'button', class: 'small', onclick: () => nodeAction(n.name, 'drain') }, t('ops.drain')),
          h('button', { type: 'button', class: 'small danger', onclick: () => nodeAction(n.name, 'fail') }, t('ops.fail')),
        ] : h('button', { type: 'button', class: 'small', onclick: () => nodeAction(n.name, 'resume') }, t('ops.resume'))) : null,
    )) : emptyRow(cols, t('ops.no_nodes')));
  }

  async function refresh() {
    renderChips();
    try {
      const [ex, nodes] = await Promise.all([api.exportEvents(), api.nodes()]);
      fill(err);
      fill(eventsBody, ex.events.length ? [...ex.events].reverse().map((e) => h('tr', {},
        h('td', {}, fmt.dateTime(e.at)), h('td', {}, effectText(e.effect)),
        h('td', {}, e.accelerators.map((a) => chip(a))),
        h('td', {}, e.grace ? fmt.duration(e.grace) : '—'), h('td', {}, e.label || '—'),
        h('td', { class: 'num' }, fmt.num(e.nodes_affected, 0)))) : emptyRow(6, t('ops.no_events')));
      cutInfo.textContent = [
        ex.supply_cut.length ? t('ops.cut_now', { chips: ex.supply_cut.map((c) => chipName(c.accelerator)).join(t('list.sep')) }) : t('ops.cut_none'),
        ex.next_retirement_at ? t('ops.next_retirement', { time: fmt.dateTime(ex.next_retirement_at) }) : '',
      ].filter(Boolean).join(' ');
      renderNodes(nodes.nodes);
    } catch (e) {
      fill(err, errorBox(e));
    }
  }

  return { el, refresh };
}
