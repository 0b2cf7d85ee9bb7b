// The message catalogues (src/i18n/*.json): the same ids in both languages,
// every id used by the code and every id the code uses present, the same
// {placeholders} in both, nothing empty, and no English left in the Chinese
// one. Ids are used as string literals ('fleet.title'), never built at run
// time, so a scan of the sources finds them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detect } from '../../src/i18n/detect.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = (name) => JSON.parse(readFileSync(join(root, 'src', 'i18n', name), 'utf8'));
const catalogues = { en: load('en.json'), 'zh-CN': load('zh-CN.json') };

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(js|html)$/.test(f) ? [[p, readFileSync(p, 'utf8')]] : [];
  });
}
const code = [...sources(join(root, 'src')), [join(root, 'index.html'), readFileSync(join(root, 'index.html'), 'utf8')]];
const namespaces = new Set(Object.keys(catalogues.en).map((k) => k.split('.')[0]));
// Every quoted literal that looks like a message id of a known namespace.
const literals = new Map();
for (const [file, text] of code) {
  for (const m of text.matchAll(/['"`]([a-z][a-z_]*)\.([a-z][a-z_]*)['"`]/g)) {
    if (namespaces.has(m[1])) literals.set(`${m[1]}.${m[2]}`, file);
  }
}
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both catalogues have the same message ids', () => {
  const en = Object.keys(catalogues.en);
  const zh = Object.keys(catalogues['zh-CN']);
  assert.deepEqual(en.filter((k) => !(k in catalogues['zh-CN'])), [], 'ids in en.json missing from zh-CN.json');
  assert.deepEqual(zh.filter((k) => !(k in catalogues.en)), [], 'ids in zh-CN.json missing from en.json');
});

test('every message id is used by the code', () => {
  const unused = Object.keys(catalogues.en).filter((k) => !literals.has(k));
  assert.deepEqual(unused, [], 'unused message ids (remove them, or use them as literals)');
});

test('every message id the code names exists', () => {
  const missing = [...literals].filter(([k]) => !(k in catalogues.en)).map(([k, f]) => `${k} (${f})`);
  assert.deepEqual(missing, [], 'message ids named in the code but in no catalogue');
});

test('no message id is built at run time', () => {
  const dynamic = code.filter(([, text]) => /\bt\(\s*(`[^`]*\$\{|[a-z_]+\s*\+)/.test(text)).map(([f]) => f);
  assert.deepEqual(dynamic, [], 't() called with a computed id: the unused-id check cannot see it');
});

test('placeholders agree and nothing is empty', () => {
  for (const [id, en] of Object.entries(catalogues.en)) {
    const zh = catalogues['zh-CN'][id];
    if (!id.endsWith('.sep')) assert.ok(en.trim() && zh.trim(), `${id} is empty`);  // separators may be blank
    assert.deepEqual(placeholders(zh), placeholders(en), `${id}: placeholders differ`);
  }
});

test('the Chinese catalogue is Chinese', () => {
  // Letters left after removing placeholders, product names and units that
  // stay as they are in Chinese text (JSON, SLO, PFLOP, BF16, suanli, Slurm, sacct, GPU…).
  const keep = /\{\w+\}|suanli|Slurm|sacct|GRES|GPU|JSON|POST|\/v1\/[\w./]*|SLO|PFLOP|BF16|HTTP|class|tenant|model|kind|precision|devices|slo|stacks|work_tokens|duration|English/g;
  const untranslated = Object.entries(catalogues['zh-CN'])
    .filter(([, s]) => /[A-Za-z]{2,}/.test(s.replace(keep, '')) || (!/[\u4e00-\u9fff]/.test(s) && /[A-Za-z]/.test(s.replace(keep, ''))))
    .map(([k, s]) => `${k}: ${s}`);
  assert.deepEqual(untranslated, [], 'Chinese messages with English words left in them');
});

test('the language follows the browser until the user picks one', () => {
  assert.equal(detect(null, ['zh-CN', 'en']), 'zh-CN');
  assert.equal(detect(null, ['zh-TW']), 'zh-CN');
  assert.equal(detect(null, ['zh']), 'zh-CN');
  assert.equal(detect(null, ['en-US', 'zh-CN']), 'en');
  assert.equal(detect(null, ['fr-FR', 'zh-CN']), 'zh-CN');
  assert.equal(detect(null, ['fr-FR']), 'en');
  assert.equal(detect('en', ['zh-CN']), 'en');
  assert.equal(detect('zh-CN', ['en-US']), 'zh-CN');
  assert.equal(detect('xx', ['zh-CN']), 'zh-CN');
});
