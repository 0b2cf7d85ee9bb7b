// The dashboard's shell: sign-in, the header (language switch, who is signed
// in, sign out), the tabs and the 2-second poll that refreshes the visible tab.
// Tabs are views: {el, refresh(), destroy?()}; routes are #/overview,
// #/queue, #/queue/JOB, #/audit, #/submit, #/ops, and #/slurm when the
// service runs the Slurm bridge (suanli serve --slurm).
import { api, token, setUnauthorizedHandler } from './api.js';
import { h, fill, field } from './dom.js';
import { LANGS, lang, setLang, onLangChange, t, fmt } from './i18n/index.js';
import { errorText, learnChips, roleText } from './labels.js';
import { overviewView } from './views/overview.js';
import { queueView } from './views/queue.js';
import { auditView } from './views/audit.js';
import { submitView } from './views/submit.js';
import { opsView } from './views/ops.js';
import { slurmView } from './views/slurm.js';

const POLL_MS = 2000;

const TABS = [
  { id: 'overview', label: 'nav.overview', make: overviewView, show: () => true },
  { id: 'queue', label: 'nav.queue', make: queueView, show: () => true },
  { id: 'audit', label: 'nav.audit', make: auditView, show: () => true },
  { id: 'submit', label: 'nav.submit', make: submitView, show: (who) => who.role !== 'auditor' },
  { id: 'ops', label: 'nav.ops', make: opsView, show: (who) => who.role !== 'tenant' },
  { id: 'slurm', label: 'nav.slurm', make: slurmView, show: (who, ctx) => ctx.slurm && who.role !== 'tenant' },
];

export function startApp(root) {
  const ctx = {
    who: null, // GET /v1/whoami
    scenario: null, // GET /v1/scenario
    fleet: null, // the last GET /v1/fleet
    slurm: false, // whether the Slurm bridge is on (GET /v1/slurm/cluster answers)
    windowSec: Number(localStorage.getItem('suanli.window')) || 86400,
    refresh: () => tick(true),
  };
  let view = null;
  let route = '';
  let busy = false;
  let timer = 0;
  const status = h('span', { class: 'conn', 'data-testid': 'conn' });

  setUnauthorizedHandler((e) => signOut(e));
  onLangChange(() => render());
  window.addEventListener('hashchange', () => showRoute());
  document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });

  function langSwitch() {
    return h('div', { class: 'lang', role: 'group', 'aria-label': t('lang.switch') },
      LANGS.map((l) => h('button', {
        type: 'button', class: l === lang() ? 'on' : '', 'aria-pressed': String(l === lang()), lang: l,
        onclick: () => setLang(l),
      }, l === 'zh-CN' ? '中文' : 'English')));
  }

  // --- sign-in ------------------------------------------------------------------------
  function signInPage(error) {
    const input = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'sl_…', required: true });
    const msg = h('div', { class: 'form-msg', role: 'status' }, error ? errorText(error) : '');
    if (error) msg.classList.add('error');
    const form = h('form', {
      class: 'signin card',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const tok = input.value.trim();
        if (!tok) return;
        msg.className = 'form-msg';
        msg.textContent = t('signin.checking');
        try {
          const who = await api.whoami(tok);
          token.set(tok);
          await enter(who);
        } catch (e) {
          msg.className = 'form-msg error';
          msg.textContent = e.code === 'unauthorized' ? t('signin.bad_token') : errorText(e);
        }
      },
    },
    h('h1', {}, t('app.title')),
    h('p', { class: 'lead' }, t('signin.lead')),
    field(t('signin.token'), input, t('signin.token_hint')),
    h('pre', { class: 'cmd' }, 'suanli serve token create --role operator\nsuanli serve token create --role tenant --tenant bank'),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')),
    msg);
    fill(root, h('header', { class: 'top' }, h('span', { class: 'brand' }, t('app.brand')), h('span', { class: 'spacer' }), langSwitch()),
      h('main', { class: 'signin-wrap' }, form));
    input.focus();
  }

  async function enter(who) {
    ctx.who = who;
    ctx.scenario = await api.scenario();
    ctx.slurm = who.role !== 'tenant' && await api.slurmCluster().then(() => true, () => false);
    render();
    tick(true);
    clearInterval(timer);
    timer = setInterval(() => tick(), POLL_MS);
  }

  function signOut(error) {
    clearInterval(timer);
    token.clear();
    ctx.who = null;
    destroyView();
    signInPage(error);
  }

  // --- the signed-in page ----------------------------------------------------------------
  let mainEl = null;
  let navEl = null;

  function render() {
    if (!ctx.who) { signInPage(); return; }
    const who = ctx.who;
    navEl = h('nav', { class: 'tabs', 'aria-label': t('nav.label') });
    mainEl = h('main', { id: 'main' });
    fill(root,
      h('header', { class: 'top' },
        h('span', { class: 'brand' }, t('app.brand')),
        h('span', { class: 'scenario', title: ctx.scenario?.description || '' }, t('header.scenario', { name: ctx.scenario?.name ?? '—' })),
        h('span', { class: 'spacer' }),
        status,
        langSwitch(),
        h('span', { class: 'who', 'data-testid': 'who' },
          h('span', { class: 'badge role' }, roleText(who.role)),
          who.tenant ? h('span', { class: 'tenant' }, t('header.tenant', { name: who.tenant })) : null),
        h('button', { type: 'button', class: 'link', onclick: () => signOut() }, t('header.signout'))),
      navEl, mainEl);
    route = '';
    showRoute();
  }

  function destroyView() {
    view?.destroy?.();
    view = null;
  }

  function showRoute() {
    if (!ctx.who || !mainEl) return;
    const [tabId = 'overview', arg] = window.location.hash.replace(/^#\/?/, '').split('/');
    const tabs = TABS.filter((x) => x.show(ctx.who, ctx));
    const tab = tabs.find((x) => x.id === tabId) || tabs[0];
    fill(navEl, tabs.map((x) => h('a', { href: `#/${x.id}`, class: x === tab ? 'on' : '', 'aria-current': x === tab ? 'page' : null }, t(x.label))));
    const key = `${tab.id}/${arg ?? ''}`;
    if (key === route) return;
    if (view && route.split('/')[0] === tab.id && view.route) {
      route = key;
      view.route(arg);
      return;
    }
    route = key;
    destroyView();
    view = tab.make(ctx, arg);
    fill(mainEl, view.el);
    tick(true);
  }

  // The poll: the fleet (chip names, the header's status), then the tab. A
  // forced tick during one in flight runs right after it.
  let again = false;
  async function tick(force = false) {
    if (!ctx.who || (document.hidden && !force)) return;
    if (busy) { again = again || force; return; }
    busy = true;
    try {
      ctx.fleet = await api.fleet(ctx.windowSec ? { from: windowFrom() } : undefined);
      learnChips(ctx.fleet.models);
      await view?.refresh?.();
      status.className = 'conn ok';
      status.textContent = t('header.updated', { time: fmt.time(Date.now() / 1000) });
    } catch (e) {
      status.className = 'conn bad';
      status.textContent = errorText(e);
    } finally {
      busy = false;
      if (again) { again = false; tick(true); }
    }
  }

  function windowFrom() {
    const at = ctx.fleet?.at ?? Math.floor(Date.now() / 1000);
    return at + 1 - ctx.windowSec;
  }
  ctx.windowFrom = windowFrom;
  ctx.setWindow = (sec) => {
    ctx.windowSec = sec;
    localStorage.setItem('suanli.window', String(sec));
    tick(true);
  };

  // Start: a kept token is checked; a bad one goes back to sign-in with the reason.
  const kept = token.get();
  if (!kept) { signInPage(); return; }
  api.whoami(kept).then(enter, (e) => {
    if (e.code === 'unauthorized') signOut(e);
    else signInPage(e);
  });
}
