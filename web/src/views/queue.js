// The queue: jobs that wait, each with why it waits (the scheduler's reason as
// the API gives it); jobs placed or running, where; jobs refused, why; and one
// job's explanation: every candidate accelerator, allowed or denied, by which
// rule, and the job's decision trail.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { fmt, t } from '../i18n/index.js';
import { chip, emptyRow, errorBox, errorText, jobKindText, kindText, originBadge, ruleText, statusBadge, chipName } from '../labels.js';

function jobName(j) {
  return h('span', { class: 'jobname', title: j.job?.note || '' }, j.class || j.job?.name || '—');
}

function jobShape(j) {
  const s = j.job || {};
  return h('span', { class: 'shape' }, jobKindText(s.kind), ' · ', s.model || '—');
}

export function queueView(ctx, initialJob) {
  const pendingBody = h('tbody');
  const placedBody = h('tbody');
  const refusedBody = h('tbody');
  const counts = { pending: h('span', { class: 'count' }), placed: h('span', { class: 'count' }), refused: h('span', { class: 'count' }) };
  const err = h('div');
  const msg = h('div', { class: 'form-msg', role: 'status', 'data-testid': 'queue-msg' });
  const explainBox = h('section', { class: 'card explain', 'data-testid': 'explain', hidden: true });
  let selected = initialJob ? Number(initialJob) : null;
  const canCancel = ctx.who.role !== 'auditor';

  const actions = (j, cancel) => h('td', { class: 'actions' },
    h('a', { href: `#/queue/${j.id}`, class: 'button small' }, t('queue.explain')),
    cancel && canCancel ? h('button', { type: 'button', class: 'small danger', onclick: () => doCancel(j) }, t('queue.cancel')) : null);

  const el = h('div', { class: 'queue' },
    err, msg, explainBox,
    h('section', { class: 'card' },
      h('h2', {}, t('queue.waiting'), ' ', counts.pending),
      h('table', { class: 'grid', 'data-testid': 'pending' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'num' }, t('queue.id')), h('th', {}, t('queue.tenant')), h('th', {}, t('queue.job')),
          h('th', {}, t('queue.shape')), h('th', { class: 'num' }, t('queue.devices')), h('th', {}, t('queue.waited')),
          h('th', { class: 'wide' }, t('queue.why')), h('th', {}, t('queue.actions')))),
        pendingBody)),
    h('section', { class: 'card' },
      h('h2', {}, t('queue.placed'), ' ', counts.placed),
      h('table', { class: 'grid', 'data-testid': 'placed' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'num' }, t('queue.id')), h('th', {}, t('queue.tenant')), h('th', {}, t('queue.job')),
          h('th', {}, t('queue.status')), h('th', {}, t('queue.chip')), h('th', { class: 'num' }, t('queue.devices')),
          h('th', {}, t('queue.nodes')), h('th', {}, t('queue.since')), h('th', {}, t('queue.expected_end')),
          h('th', {}, t('queue.actions')))),
        placedBody)),
    h('section', { class: 'card' },
      h('h2', {}, t('queue.refused'), ' ', counts.refused),
      h('table', { class: 'grid', 'data-testid': 'refused' },
        h('thead', {}, h('tr', {},
          h('th', { class: 'num' }, t('queue.id')), h('th', {}, t('queue.tenant')), h('th', {}, t('queue.job')),
          h('th', {}, t('queue.at')), h('th', { class: 'wide' }, t('queue.refusal')), h('th', {}, t('queue.actions')))),
        refusedBody)));

  async function doCancel(j) {
    try {
      await api.cancel(j.id);
      msg.className = 'form-msg ok';
      msg.textContent = t('queue.cancelled', { id: j.id });
      ctx.refresh();
    } catch (e) {
      msg.className = 'form-msg error';
      msg.textContent = errorText(e);
    }
  }

  function renderPending(jobs, now) {
    counts.pending.textContent = `(${fmt.num(jobs.length, 0)})`;
    fill(pendingBody, jobs.length ? jobs.map((j) => h('tr', { 'data-job': j.id },
      h('td', { class: 'num' }, j.id), h('td', {}, j.tenant), h('td', {}, jobName(j)), h('td', {}, jobShape(j)),
      h('td', { class: 'num' }, j.job?.devices ? fmt.num(j.job.devices, 0) : h('span', { title: t('queue.by_slo_tip') }, t('queue.by_slo'))),
      h('td', { title: fmt.dateTime(j.submitted_at) }, fmt.duration(now - j.submitted_at)),
      h('td', { class: 'reason' }, j.reason || '—'),
      actions(j, true))) : emptyRow(8, t('queue.waiting_empty')));
  }

  function renderPlaced(jobs) {
    counts.placed.textContent = `(${fmt.num(jobs.length, 0)})`;
    fill(placedBody, jobs.length ? jobs.map((j) => h('tr', { 'data-job': j.id },
      h('td', { class: 'num' }, j.id), h('td', {}, j.tenant), h('td', {}, jobName(j)), h('td', {}, statusBadge(j.status)),
      h('td', {}, chip(j.accelerator, j.origin)), h('td', { class: 'num' }, fmt.num(j.devices)),
      h('td', { class: 'nodes', title: j.nodes.join(', ') }, j.nodes.length > 3 ? `${j.nodes.slice(0, 3).join(', ')} …` : j.nodes.join(', ')),
      h('td', {}, fmt.dateTime(j.placed_at)), h('td', {}, fmt.dateTime(j.expected_end_at)),
      actions(j, true))) : emptyRow(10, t('queue.placed_empty')));
  }

  function renderRefused(jobs) {
    counts.refused.textContent = `(${fmt.num(jobs.length, 0)})`;
    fill(refusedBody, jobs.length ? jobs.map((j) => h('tr', { 'data-job': j.id },
      h('td', { class: 'num' }, j.id), h('td', {}, j.tenant), h('td', {}, jobName(j)),
      h('td', {}, fmt.dateTime(j.ended_at ?? j.submitted_at)),
      h('td', { class: 'reason' }, j.reason || '—'),
      actions(j, false))) : emptyRow(6, t('queue.refused_empty')));
  }

  function verdictRows(list) {
    return list.map((c) => h('tr', { class: c.allowed ? 'allowed' : 'denied', 'data-accelerator': c.accelerator },
      h('td', {}, chip(c.accelerator, c.origin)),
      h('td', { class: 'num' }, fmt.num(c.devices)),
      h('td', {}, c.allowed ? h('span', { class: 'ok' }, t('explain.allowed')) : h('span', { class: 'bad' }, t('explain.denied'))),
      h('td', {}, c.rule ? h('span', { title: c.rule }, ruleText(c.rule)) : '—'),
      h('td', { class: 'reason' }, c.reason || '—'),
      h('td', { class: 'num' }, fmt.duration(c.runtime_s)),
      h('td', { class: 'num' }, fmt.compact(c.tokens_per_s)),
      h('td', { class: 'num' }, fmt.num(c.pool_free_devices, 0))));
  }

  async function renderExplain() {
    if (!selected) { explainBox.hidden = true; return; }
    let x;
    try {
      x = await api.explain(selected);
    } catch (e) {
      explainBox.hidden = false;
      fill(explainBox, h('h2', {}, t('explain.title', { id: selected })), errorBox(e), closeLink());
      return;
    }
    const list = x.candidates.length ? x.candidates : x.verdicts;
    explainBox.hidden = false;
    fill(explainBox,
      h('div', { class: 'card-head' }, h('h2', {}, t('explain.title', { id: x.job })), closeLink()),
      h('p', {}, statusBadge(x.status), ' ', h('span', { class: 'reason', 'data-testid': 'explain-reason' }, x.reason || '—')),
      x.runs_on ? h('p', {}, t('explain.runs_on', {
        devices: fmt.num(x.runs_on.devices), chip: chipName(x.runs_on.accelerator), nodes: x.runs_on.nodes.join(', '),
        since: fmt.dateTime(x.runs_on.since), end: fmt.dateTime(x.runs_on.expected_end_at),
      }), ' ', originBadge(ctx.fleet?.models.find((m) => m.accelerator === x.runs_on.accelerator)?.origin)) : null,
      h('h3', {}, t('explain.candidates')),
      h('table', { class: 'grid', 'data-testid': 'candidates' },
        h('thead', {}, h('tr', {},
          h('th', {}, t('explain.chip')), h('th', { class: 'num' }, t('explain.devices')), h('th', {}, t('explain.verdict')),
          h('th', {}, t('explain.rule')), h('th', { class: 'wide' }, t('explain.reason')), h('th', { class: 'num' }, t('explain.runtime')),
          h('th', { class: 'num' }, t('explain.tokens')), h('th', { class: 'num' }, t('explain.free')))),
        h('tbody', {}, list.length ? verdictRows(list) : emptyRow(8, t('explain.no_candidates')))),
      h('h3', {}, t('explain.trail')),
      x.trail.length ? h('ol', { class: 'trail' }, x.trail.map((d) => h('li', {},
        h('time', {}, fmt.dateTime(d.at)), ' ', h('span', { class: `badge k-${d.kind}` }, kindText(d.kind)), ' ',
        d.accelerator ? [chip(d.accelerator), ' '] : null, h('span', { class: 'reason' }, d.reason)))) : h('p', { class: 'hint' }, t('explain.no_trail')));
  }

  function closeLink() {
    return h('a', { href: '#/queue', class: 'button small' }, t('explain.close'));
  }

  async function refresh() {
    try {
      const [pending, placed, running, rejected] = await Promise.all([
        api.jobs({ status: 'pending', limit: 200 }), api.jobs({ status: 'placed', limit: 200 }),
        api.jobs({ status: 'running', limit: 200 }), api.jobs({ status: 'rejected', limit: 20 }),
      ]);
      fill(err);
      const now = ctx.fleet?.at ?? Date.now() / 1000;
      renderPending(pending.jobs, now);
      renderPlaced([...running.jobs, ...placed.jobs].sort((a, b) => b.id - a.id));
      renderRefused(rejected.jobs);
      await renderExplain();
    } catch (e) {
      fill(err, errorBox(e));
    }
  }

  return {
    el,
    refresh,
    route(arg) {
      selected = arg ? Number(arg) : null;
      renderExplain().then(() => { if (selected) explainBox.scrollIntoView({ block: 'nearest' }); });
    },
  };
}
