// Overview: the fleet by accelerator model and origin with live use, the
// imported scope (进口芯片使用范围) against its cap, supply cuts, and each
// tenant's domestic share (国产化率) against its target, as figures and over
// time.
import { api } from '../api.js';
import { ShareChart } from '../charts.js';
import { h, fill, field } from '../dom.js';
import { fmt, t } from '../i18n/index.js';
import { chipName, emptyRow, errorBox, originBadge, sectorText } from '../labels.js';

const WINDOWS = [[3600, 'window.hour'], [86400, 'window.day'], [7 * 86400, 'window.week'], [30 * 86400, 'window.month']];
const POINTS = 60;

function bar(used, total, cls = '') {
  const f = total > 0 ? Math.min(1, used / total) : 0;
  return h('span', { class: `bar ${cls}`, role: 'img', 'aria-label': fmt.pct(f) }, h('span', { style: `width:${(f * 100).toFixed(1)}%` }));
}

function kpi(testid, title, value, sub, extra) {
  return h('section', { class: 'kpi card', 'data-testid': testid },
    h('h3', {}, title), h('div', { class: 'value' }, value), h('div', { class: 'sub' }, sub), extra);
}

export function overviewView(ctx) {
  const kpis = h('div', { class: 'kpis' });
  const fleetBody = h('tbody');
  const fleetFoot = h('tfoot');
  const tenantBody = h('tbody');
  const charts = h('div', { class: 'charts' });
  const err = h('div');
  const chartMap = new Map();

  const windowSel = h('select', { onchange: () => ctx.setWindow(Number(windowSel.value)) },
    WINDOWS.map(([s, id]) => h('option', { value: s, selected: s === ctx.windowSec }, t(id))));

  const el = h('div', { class: 'overview' },
    err,
    kpis,
    h('section', { class: 'card' },
      h('h2', {}, t('fleet.title')),
      h('table', { class: 'grid', 'data-testid': 'fleet' },
        h('thead', {}, h('tr', {},
          h('th', {}, t('fleet.model')), h('th', {}, t('fleet.vendor')), h('th', {}, t('fleet.origin')),
          h('th', { class: 'num' }, t('fleet.nodes_up')), h('th', { class: 'num' }, t('fleet.devices')),
          h('th', { class: 'num' }, t('fleet.in_use')), h('th', { class: 'num' }, t('fleet.free')),
          h('th', {}, t('fleet.use')), h('th', {}, t('fleet.supply')))),
        fleetBody, fleetFoot)),
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, t('tenants.title')), field(t('window.label'), windowSel)),
      h('table', { class: 'grid', 'data-testid': 'tenants' },
        h('thead', {}, h('tr', {},
          h('th', {}, t('tenants.name')), h('th', {}, t('tenants.sector')),
          h('th', { class: 'num', title: t('tenants.share_devices_tip') }, t('tenants.share_devices')),
          h('th', { class: 'num', title: t('tenants.share_compute_tip') }, t('tenants.share_compute')),
          h('th', { class: 'num' }, t('tenants.target')), h('th', {}, t('tenants.meets')),
          h('th', { class: 'num' }, t('tenants.device_hours')), h('th', { class: 'num' }, t('tenants.compute')),
          h('th', { class: 'num', title: t('tenants.imported_tip') }, t('tenants.imported')),
          h('th', { class: 'num' }, t('tenants.pending')), h('th', { class: 'num' }, t('tenants.running')))),
        tenantBody)),
    h('section', { class: 'card' },
      h('h2', {}, t('share.title')),
      h('p', { class: 'hint' }, t('share.hint')),
      charts));

  // The headline figures: the fleet's for operators and auditors; a tenant
  // token sees its own share and imported scope (the fleet's use and supply
  // stay fleet-wide).
  function renderKpis(f, tenants) {
    const own = ctx.who.role === 'tenant' ? tenants.find((x) => x.name === ctx.who.tenant) : null;
    const share = own ? own.usage.share_devices : f.usage.share_devices;
    const target = own ? own.domestic_target : f.domestic_target;
    const meets = share != null && share + 1e-12 >= target;
    const scope = own
      ? { used: own.imported_in_use, cap: own.imported_cap_devices, sub: t('kpi.imported_tenant_sub', { tenant: own.name }) }
      : { used: f.imported_in_use, cap: f.imported_cap_devices,
        sub: t('kpi.imported_sub', { cap: fmt.pct(f.imported_cap, 0), devices: fmt.num(f.imported_devices, 0) }) };
    const cuts = f.supply_cut;
    fill(kpis,
      kpi('kpi-share', t('kpi.share'), fmt.pct(share),
        [t('kpi.target', { target: fmt.pct(target, 0) }), ' · ', share == null ? t('kpi.no_use') : meets ? t('kpi.meets') : t('kpi.below')],
        bar(share ?? 0, 1, meets ? 'good' : 'warn')),
      kpi('kpi-imported', t('kpi.imported'),
        t('kpi.devices_of', { used: fmt.num(scope.used), total: fmt.num(scope.cap, 0) }), scope.sub,
        bar(scope.used, scope.cap, scope.used > scope.cap ? 'warn' : 'imported')),
      kpi('kpi-use', t('kpi.use'),
        t('kpi.devices_of', { used: fmt.num(f.devices_in_use), total: fmt.num(f.devices, 0) }),
        t('kpi.use_sub', { pct: fmt.pct(f.devices ? f.devices_in_use / f.devices : 0) }),
        bar(f.devices_in_use, f.devices)),
      kpi('kpi-jobs', t('kpi.jobs'),
        t('kpi.jobs_value', { pending: fmt.num(own ? own.pending : f.pending, 0) }),
        [t('kpi.jobs_running', { running: fmt.num(own ? own.running : f.running, 0) }), ' · ', h('a', { href: '#/queue' }, t('kpi.jobs_link'))]),
      kpi('kpi-cut', t('kpi.cut'),
        cuts.length ? t('kpi.cut_count', { n: fmt.num(cuts.length, 0) }) : t('kpi.cut_none'),
        cuts.length ? h('ul', { class: 'plain' }, cuts.map((c) => h('li', {}, chipName(c.accelerator), ' · ', t('kpi.cut_since', { time: fmt.dateTime(c.since) })))) : t('kpi.cut_none_sub')));
  }

  function renderFleet(f) {
    const cut = new Map(f.supply_cut.map((c) => [c.accelerator, c.since]));
    fill(fleetBody, f.models.length ? f.models.map((m) => h('tr', { 'data-accelerator': m.accelerator },
      h('td', {}, h('span', { class: 'chip', title: m.accelerator }, chipName(m.accelerator))),
      h('td', {}, m.vendor),
      h('td', {}, originBadge(m.origin)),
      h('td', { class: 'num' }, fmt.num(m.nodes_up, 0)),
      h('td', { class: 'num' }, fmt.num(m.devices, 0)),
      h('td', { class: 'num', 'data-testid': 'in-use' }, fmt.num(m.in_use)),
      h('td', { class: 'num' }, fmt.num(m.free, 0)),
      h('td', {}, bar(m.in_use, m.devices, m.origin)),
      h('td', {}, cut.has(m.accelerator) ? h('span', { class: 'badge cut', title: fmt.dateTime(cut.get(m.accelerator)) }, t('fleet.cut')) : t('fleet.supplied')),
    )) : emptyRow(9, t('fleet.empty')));
    // One line per origin: domestic and imported devices, in use and free.
    fill(fleetFoot, ['domestic', 'imported'].map((o) => {
      const ms = f.models.filter((m) => m.origin === o);
      const sum = (k) => ms.reduce((a, m) => a + m[k], 0);
      return h('tr', { class: 'total', 'data-origin': o },
        h('td', {}, t('fleet.total')), h('td', {}), h('td', {}, originBadge(o)),
        h('td', { class: 'num' }, fmt.num(sum('nodes_up'), 0)), h('td', { class: 'num' }, fmt.num(sum('devices'), 0)),
        h('td', { class: 'num' }, fmt.num(sum('in_use'))), h('td', { class: 'num' }, fmt.num(sum('free'), 0)),
        h('td', {}, bar(sum('in_use'), sum('devices'), o)), h('td', {}));
    }));
  }

  function renderTenants(list) {
    fill(tenantBody, list.length ? list.map((x) => h('tr', { 'data-tenant': x.name },
      h('td', {}, x.name),
      h('td', {}, sectorText(x.sector), x.critical ? [' ', h('span', { class: 'badge cii', title: t('tenants.cii_tip') }, t('tenants.cii'))] : null),
      h('td', { class: 'num', 'data-testid': 'share-devices' }, fmt.pct(x.usage.share_devices)),
      h('td', { class: 'num' }, fmt.pct(x.usage.share_compute)),
      h('td', { class: 'num' }, fmt.pct(x.domestic_target, 0)),
      h('td', {}, x.meets_target == null ? t('tenants.no_use') : x.meets_target ? h('span', { class: 'ok' }, t('tenants.yes')) : h('span', { class: 'bad' }, t('tenants.no'))),
      h('td', { class: 'num' }, t('tenants.split', { d: fmt.qty(x.usage.device_hours_domestic), i: fmt.qty(x.usage.device_hours_imported) })),
      h('td', { class: 'num' }, t('tenants.split', { d: fmt.qty(x.usage.compute_domestic), i: fmt.qty(x.usage.compute_imported) })),
      h('td', { class: 'num', 'data-testid': 'imported' }, t('kpi.devices_of', { used: fmt.num(x.imported_in_use), total: fmt.num(x.imported_cap_devices, 0) })),
      h('td', { class: 'num' }, fmt.num(x.pending, 0)),
      h('td', { class: 'num' }, fmt.num(x.running, 0)),
    )) : emptyRow(11, t('tenants.empty')));
  }

  function chartFor(key, title, sub) {
    let c = chartMap.get(key);
    if (!c) {
      const box = h('figure', { class: 'share-chart', 'data-tenant': key || '*' });
      box.append(h('figcaption', {}, h('strong', {}, title), sub ? h('span', { class: 'sub' }, sub) : null));
      charts.append(box);
      c = new ShareChart(box);
      chartMap.set(key, c);
    }
    return c;
  }

  async function refresh() {
    const f = ctx.fleet;
    if (!f) return;
    const from = ctx.windowFrom();
    try {
      const { tenants } = await api.tenants({ from });
      const series = await Promise.all([
        ...(ctx.who.role === 'tenant' ? [] : [api.share({ from, points: POINTS })]),
        ...tenants.map((x) => api.share({ tenant: x.name, from, points: POINTS })),
      ]);
      fill(err);
      renderKpis(f, tenants);
      renderFleet(f);
      renderTenants(tenants);
      let i = 0;
      if (ctx.who.role !== 'tenant') chartFor('', t('share.fleet'), t('share.target_sub', { target: fmt.pct(series[0].target, 0) })).set(series[i++]);
      for (const x of tenants) {
        chartFor(x.name, x.name, [sectorText(x.sector), ' · ', t('share.target_sub', { target: fmt.pct(x.domestic_target, 0) })]).set(series[i++]);
      }
    } catch (e) {
      fill(err, errorBox(e));
    }
  }

  return { el, refresh, destroy: () => chartMap.forEach((c) => c.destroy()) };
}

