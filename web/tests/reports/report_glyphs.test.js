// A Chinese HTML report (`suanli demo --lang zh`) in headless Chromium: every
// character is drawn with a font that has its glyph (no tofu boxes), and the
// page says what a Chinese reader looks for.
//
// How missing glyphs are found: for every element with text, Chrome's
// DevTools protocol (CSS.getPlatformFontsForNode) names the platform fonts
// that actually drew that text. A character no installed font has is still
// drawn, as a .notdef box, by one of those fonts, so the test asks
// fontconfig for the character sets of the fonts Chromium used and requires
// every character of the text to be in one of them. A control page with a
// character no installed font covers (U+10FFFD, private use) must be caught,
// and so must a real Chinese character outside the installed fonts (U+20000,
// CJK extension B, which WenQuanYi Micro Hei lacks): a test that cannot see
// tofu fails rather than passes.
//
// Run by ctest as web.report_zh_glyphs (tests/web/CMakeLists.txt) with
// SUANLI_BIN set; needs Debian's chromium and a CJK font (fonts-wqy-microhei,
// installed by scripts/install-deps.sh). Fails, never skips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const bin = process.env.SUANLI_BIN;
const work = mkdtempSync(join(tmpdir(), 'suanli-report-'));
const report = join(work, 'report-zh.html');
let browser;

before(async () => {
  assert.ok(bin, 'SUANLI_BIN must name the built suanli binary');
  execFileSync(bin, ['demo', '--lang', 'zh', '--html', report], { stdio: ['ignore', 'ignore', 'inherit'] });
  browser = await chromium.launch({ executablePath: process.env.SUANLI_CHROMIUM || '/usr/bin/chromium' });
});

after(async () => {
  await browser?.close();
});

// fontconfig's character set of a family, as [from, to] code point ranges.
const charsets = new Map();
function charset(family) {
  if (!charsets.has(family)) {
    const out = execFileSync('fc-list', ['-f', '%{charset}\n', `:family=${family}`], { encoding: 'utf8' });
    const ranges = [];
    for (const part of out.split(/\s+/).filter(Boolean)) {
      const [a, b] = part.split('-').map((h) => parseInt(h, 16));
      ranges.push([a, Number.isNaN(b) ? a : b]);
    }
    charsets.set(family, ranges);
  }
  return charsets.get(family);
}
const covers = (family, cp) => charset(family).some(([a, b]) => cp >= a && cp <= b);

// Every element with its own text: the text and the fonts that drew it.
async function textRuns(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const runs = [];
  const walk = async (node) => {
    if (node.nodeType === 1 && !['STYLE', 'SCRIPT', 'TITLE', 'HEAD', 'title'].includes(node.nodeName)) {
      const text = (node.children || [])
        .filter((c) => c.nodeType === 3)
        .map((c) => c.nodeValue)
        .join('')
        .replace(/\s+/g, '');
      if (text) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId });
        runs.push({ tag: node.nodeName, text, fonts: fonts.map((f) => f.familyName) });
      }
    }
    for (const c of node.children || []) await walk(c);
  };
  await walk(root);
  return runs;
}

// The characters of each run that none of its fonts has.
function missing(runs) {
  const bad = [];
  for (const r of runs) {
    // Text in <title> elements of SVG (tooltips) and hidden nodes is not drawn.
    if (r.fonts.length === 0) continue;
    for (const ch of r.text) {
      const cp = ch.codePointAt(0);
      if (!r.fonts.some((f) => covers(f, cp))) bad.push({ ch, cp: cp.toString(16), tag: r.tag, fonts: r.fonts, text: r.text.slice(0, 40) });
    }
  }
  return bad;
}

test('the check sees tofu: a character no font has is reported', async () => {
  const page = await browser.newPage();
  await page.setContent('<html lang="zh-CN"><body><p>国产化率 \u{10FFFD}</p><p>算力\u{20000}</p></body></html>');
  const bad = missing(await textRuns(page));
  await page.close();
  assert.ok(bad.some((b) => b.cp === '10fffd'), `the control character was not reported: ${JSON.stringify(bad)}`);
  if (execFileSync('fc-list', [':charset=20000', 'family'], { encoding: 'utf8' }).trim() === '') {
    assert.ok(bad.some((b) => b.cp === '20000'), `U+20000, in no installed font, was not reported: ${JSON.stringify(bad)}`);
  }
  assert.ok(!bad.some((b) => b.ch === '国'), 'a Chinese character the CJK font has was reported as missing');
});

test('the Chinese report draws every character with a font that has it', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(pathToFileURL(report).href);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  const runs = await textRuns(page);
  const cjk = runs.filter((r) => /[\u3000-\u9fff\uff00-\uffef]/.test(r.text));
  assert.ok(cjk.length > 100, `expected many Chinese texts, found ${cjk.length}`);
  const bad = missing(runs);
  assert.deepEqual(bad.slice(0, 10), [], `${bad.length} characters drawn without a glyph`);

  const body = await page.textContent('body');
  for (const text of ['仿真报告', '国产化率', '进口芯片使用范围上限', '关键信息基础设施租户仅使用国产加速卡', '租户', '冲击',
                      '昇腾 910C']) {
    assert.ok(body.includes(text), `the report lacks "${text}"`);
  }
  const dir = process.env.SUANLI_WEB_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'report-zh.png'), clip: { x: 0, y: 0, width: 1000, height: 1500 } });
  }
  await page.close();
});
