// The Slurm cluster, when suanli serve runs with --slurm (the tab is shown
// only then): Slurm's nodes and jobs as the bridge last read them, each beside
// suanli's own record, and the domestic share measured from Slurm's accounting
// (sacct) beside suanli's. Operators and auditors; the share is read every
// SHARE_MS (sacct is not free), the cluster on every poll.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { fmt, t } from '../i18n/index.js';
import { chip, emptyRow, errorBox, nodeStatusText, statusBadge } from '../labels.js';

const SHARE_MS = 30_000;

export function slurmView() {
  const err = h('div');
  const shareErr = h('div');
  const bridgeInfo = h('p', { class: 'hint', 'data-testid': 'slurm-bridge' });
  const nodesBody = h('tbody');
  const jobsBody = h('tbody');
  const shareBody = h('tbody');
  const shareInfo = h('p', { class: 'hint', 'data-testid': 'slurm-share-info' });
  let shareAt = 0;

  const th = (id, num) => h('th', num ? { class: 'num' } : {}, t(id));
  const el = h('div', { class: 'slurm' },
    err,
    h('section', { class: 'card' },
      h('h2', {}, t('slurm.nodes_title')), bridgeInfo,
      h('table', { class: 'grid', 'data-testid': 'slurm-nodes' },
        h('thead', {}, h('tr', {}, th('slurm.node'), th('slurm.state'), th('slurm.gres'), th('slurm.gres_used'),
          th('slurm.reason'), th('slurm.suanli_state'))),
        nodesBody)),
    h('section', { class: 'card' },
      h('h2', {}, t('slurm.jobs_title')),
      h('table', { class: 'grid', 'data-testid': 'slurm-jobs' },
        h('thead', {}, h('tr', {}, th('slurm.job'), th('slurm.account'), th('slurm.state'), th('slurm.nodes'),
          th('slurm.suanli_job'), th('slurm.chip'), th('slurm.reason'))),
        jobsBody)),
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, t('slurm.share_title')),
        h('button', { type: 'button', class: 'small', onclick: () => { shareAt = 0; refreshShare(); } }, t('slurm.share_refresh'))),
      shareErr, shareInfo,
      h('table', { class: 'grid', 'data-testid': 'slurm-share' },
        h('thead', {}, h('tr', {}, th('slurm.tenant'), th('slurm.domestic_hours', true), th('slurm.imported_hours', true),
          th('slurm.share_sacct', true), th('slurm.share_suanli', true), th('slurm.target', true))),
        shareBody)));

  function renderCluster(c) {
    const b = c.bridge;
    bridgeInfo.textContent = t('slurm.bridge_info', {
      time: b.last_round ? fmt.time(b.last_round) : '—', rounds: fmt.num(b.rounds, 0), actions: fmt.num(b.actions_done, 0),
    }) + (b.error ? ` ${t('slurm.bridge_error', { error: b.error })}` : '');
    fill(nodesBody, c.nodes.length ? c.nodes.map((n) => h('tr', { 'data-node': n.name },
      h('td', { class: 'node' }, n.name), h('td', {}, n.state), h('td', {}, n.gres || '—'), h('td', {}, n.gres_used || '—'),
      h('td', { class: 'reason' }, n.reason || '—'),
      h('td', {}, n.suanli ? [nodeStatusText(n.suanli.status), n.suanli.reason ? ` (${n.suanli.reason})` : ''].join('') : t('slurm.not_in_fleet')),
    )) : emptyRow(6, t('slurm.no_nodes')));
    fill(jobsBody, c.jobs.length ? c.jobs.map((j) => h('tr', { 'data-slurm-job': j.slurm_job },
      h('td', {}, String(j.slurm_job)), h('td', {}, j.account || '—'), h('td', {}, j.held ? `${j.state} (${t('slurm.held')})` : j.state),
      h('td', { class: 'node' }, j.nodes || '—'),
      h('td', {}, j.suanli ? [h('a', { href: `#/queue/${j.suanli.job}` }, `#${j.suanli.job}`), ' ', statusBadge(j.suanli.status)] : t('slurm.not_admitted')),
      h('td', {}, j.suanli?.accelerator ? chip(j.suanli.accelerator) : '—'),
      h('td', { class: 'reason' }, j.suanli?.reason || j.reason || '—'),
    )) : emptyRow(7, t('slurm.no_jobs')));
  }

  function renderShare(s) {
    const own = new Map((s.suanli || []).map((x) => [x.tenant, x]));
    shareInfo.textContent = t('slurm.share_info', {
      from: fmt.dateTime(s.since), to: fmt.dateTime(s.until), runs: fmt.num(s.runs, 0),
      share: fmt.pct(s.fleet.share), cap: fmt.pct(s.imported_cap.share, 0),
      peak: fmt.num(s.imported_cap.peak_devices, 1), devices: fmt.num(s.imported_cap.devices, 1),
    }) + ' ' + t(s.imported_cap.within ? 'slurm.cap_within' : 'slurm.cap_over');
    fill(shareBody, s.tenants.length ? s.tenants.map((x) => h('tr', { 'data-tenant': x.tenant },
      h('td', {}, x.tenant), h('td', { class: 'num' }, fmt.qty(x.domestic_hours)),
      h('td', { class: 'num' }, fmt.qty(x.imported_hours)), h('td', { class: 'num' }, fmt.pct(x.share)),
      h('td', { class: 'num' }, fmt.pct(own.get(x.tenant)?.share)), h('td', { class: 'num' }, fmt.pct(x.target, 0)),
    )) : emptyRow(6, t('slurm.no_share')));
  }

  async function refreshShare() {
    if (Date.now() - shareAt < SHARE_MS) return;
    shareAt = Date.now();
    try {
      renderShare(await api.slurmShare());
      fill(shareErr);
    } catch (e) {
      fill(shareErr, errorBox(e));
    }
  }

  async function refresh() {
    try {
      renderCluster(await api.slurmCluster());
      fill(err);
    } catch (e) {
      fill(err, errorBox(e));
    }
    await refreshShare();
  }

  return { el, refresh };
}
