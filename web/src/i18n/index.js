// The dashboard's two languages: a message catalogue per language (zh-CN.json,
// en.json: the same ids in both, checked by tests/unit/catalogue.test.js) and
// the locale's own number and date formats (Intl). The language follows the
// browser (navigator.languages) until the user picks one; the pick persists in
// localStorage. API data (reasons, ids, names) is shown as the API returns it;
// requests carry the language (Accept-Language and ?lang=) so the server can
// answer in it.
import zh from './zh-CN.json';
import en from './en.json';

import { LANGS, detect } from './detect.js';

export { LANGS };
export const CATALOGUES = { 'zh-CN': zh, en };
const STORE_KEY = 'suanli.lang';

let current = 'en';
const listeners = new Set();

export function initLang() {
  let stored = null;
  try { stored = localStorage.getItem(STORE_KEY); } catch { /* storage off: follow the browser */ }
  apply(detect(stored, navigator.languages?.length ? navigator.languages : [navigator.language]));
}

export function lang() { return current; }
export const isZh = () => current === 'zh-CN';

export function setLang(l) {
  if (!LANGS.includes(l)) return;
  try { localStorage.setItem(STORE_KEY, l); } catch { /* not persisted */ }
  apply(l);
  for (const f of listeners) f(l);
}

export function onLangChange(f) { listeners.add(f); }

function apply(l) {
  current = l;
  formats.clear();
  document.documentElement.lang = l;
  document.title = t('app.title');
}

// The message `id` with {name} placeholders filled from params. A missing id
// shows itself (visible, never empty); the catalogue test keeps that from
// happening.
export function t(id, params) {
  const s = CATALOGUES[current][id] ?? id;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
}

// What the API is asked for: Accept-Language and ?lang=.
export const apiLang = () => (current === 'zh-CN' ? 'zh' : 'en');
export const acceptLanguage = () => (current === 'zh-CN' ? 'zh-CN,zh;q=0.9,en;q=0.5' : 'en');

// --- formats ---------------------------------------------------------------
const formats = new Map();
function nf(key, opts) {
  if (!formats.has(key)) formats.set(key, key.startsWith('d:') ? new Intl.DateTimeFormat(current, opts) : new Intl.NumberFormat(current, opts));
  return formats.get(key);
}

const DASH = '—';

export const fmt = {
  // Whole or fractional numbers (devices may be fractional: shares of one device).
  num(v, max = 1) { return v == null || Number.isNaN(v) ? DASH : nf(`n${max}`, { maximumFractionDigits: max }).format(v); },
  // A measured quantity (device-hours, PFLOP-hours): three significant digits
  // below 100, so a young window's 0.0042 device-hours does not read as 0.
  qty(v) {
    if (v == null || Number.isNaN(v)) return DASH;
    return Math.abs(v) >= 100 ? fmt.num(v, 0) : nf('q', { maximumSignificantDigits: 3 }).format(v);
  },
  // A share 0..1 as a percentage.
  pct(v, max = 1) { return v == null ? DASH : nf(`p${max}`, { style: 'percent', maximumFractionDigits: max }).format(v); },
  // Large quantities (tokens/s): 1.2万 / 12K.
  compact(v) { return v == null ? DASH : nf('c', { notation: 'compact', maximumFractionDigits: 1 }).format(v); },
  // Seconds since 1970 as a local date and time.
  dateTime(s) {
    return s == null ? DASH : nf('d:dt', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(s * 1000));
  },
  date(s) { return s == null ? DASH : nf('d:d', { month: 'short', day: 'numeric' }).format(new Date(s * 1000)); },
  time(s) { return s == null ? DASH : nf('d:t', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(s * 1000)); },
  hm(s) { return s == null ? DASH : nf('d:hm', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(s * 1000)); },
  // A duration in seconds, in the largest two units: "2 d 3 h" / "2天3小时".
  duration(sec) {
    if (sec == null) return DASH;
    sec = Math.max(0, Math.round(sec));
    const parts = [[86400, 'unit.day'], [3600, 'unit.hour'], [60, 'unit.minute'], [1, 'unit.second']];
    const out = [];
    for (const [n, id] of parts) {
      if (sec >= n || (n === 1 && out.length === 0)) {
        out.push(t(id, { n: fmt.num(Math.floor(sec / n), 0) }));
        sec %= n;
      }
      if (out.length === 2) break;
    }
    return out.join(t('unit.sep'));
  },
};
