// The dashboard end to end, in headless Chromium against the real service:
// sign in with a token, submit a job and see it placed, inject an import cut
// (immediate loss of the h200-window scenario's imported chips, H20 and
// H800), and see the imported scope, the domestic share and the queue change.
// Runs once per project: zh-CN (Chinese browser) and en. Each test has a
// server of its own. Fails when any of it does not show.
import { test, expect } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './server.js';

const catalogue = (name) => JSON.parse(readFileSync(new URL(`../../src/i18n/${name}`, import.meta.url), 'utf8'));

// Key words asserted as written here, not read from the catalogues: the terms
// of the field must be these.
const WORDS = {
  'zh-CN': {
    lang: 'zh-CN', share: '国产化率', imported: '进口芯片使用范围', signIn: '登录', operator: '运维人员', tenant: '租户',
    placed: '已调度', refused: '已拒绝', cut: '断供', cii: '关键信息基础设施仅用国产芯片', denied: '拒绝', finance: '金融',
    other: 'en', otherShare: 'Domestic share',
  },
  en: {
    lang: 'en', share: 'Domestic share', imported: 'Imported scope', signIn: 'Sign in', operator: 'Operator', tenant: 'Tenant',
    placed: 'Placed', refused: 'Refused', cut: 'Cut', cii: 'Critical information infrastructure: domestic only', denied: 'Denied',
    finance: 'Finance', other: 'zh-CN', otherShare: '国产化率',
  },
};
const CATALOGUE = { 'zh-CN': catalogue('zh-CN.json'), en: catalogue('en.json') };

function setup(testInfo) {
  const lang = testInfo.project.name;
  return { lang, w: WORDS[lang], m: (id) => CATALOGUE[lang][id], apiLang: lang === 'zh-CN' ? 'zh-CN' : 'en' };
}

// A chip's name as the page must show it: name_zh in Chinese when the API has one.
const chipName = (model, lang) => (lang === 'zh-CN' && model.name_zh) || model.name;
const percent = (text) => Number(String(text).replace(/[^0-9.]/g, '')) / 100;

let server;
let pageErrors = [];

test.beforeEach(async ({ page }) => {
  server = await startServer({ operator: { role: 'operator' }, bank: { role: 'tenant', tenant: 'bank' } });
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The browser logs every HTTP error answer; the tests cause some (401, 400) on purpose.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
});

test.afterEach(async () => {
  await server?.stop();
  server = null;
  const errors = pageErrors;
  pageErrors = [];
  expect(errors, 'JavaScript errors on the page').toEqual([]);
});

async function signIn(page, m, w, token) {
  await page.goto(server.url);
  await expect(page.locator('html')).toHaveAttribute('lang', w.lang);
  await page.getByLabel(m('signin.token')).fill(token);
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  await expect(page.getByTestId('who')).toBeVisible();
}

async function tab(page, m, id) {
  await page.getByRole('navigation').getByRole('link', { name: m(id), exact: true }).click();
}

test('operator: submit, placed, import cut, share, scope and queue change', async ({ page }, testInfo) => {
  const { lang, w, m, apiLang } = setup(testInfo);
  const op = server.tokens.operator;
  const fleet0 = await server.api('/v1/fleet', op);
  const model = (id) => fleet0.models.find((x) => x.accelerator === id);
  const h800 = chipName(model('h800'), lang);
  const h20 = chipName(model('h20'), lang);
  const cap = fleet0.imported_cap_devices;

  await test.step('sign in and see the fleet', async () => {
    await signIn(page, m, w, op);
    await expect(page.getByTestId('who')).toContainText(w.operator);
    await expect(page.getByTestId('kpi-share').locator('h3')).toHaveText(w.share);
    await expect(page.getByTestId('kpi-imported').locator('h3')).toHaveText(w.imported);
    await expect(page.getByTestId('kpi-imported').locator('.value')).toHaveText(/^0 \/ /);
    for (const id of ['h800', 'h20', 'ascend-910c']) {
      await expect(page.locator(`[data-testid=fleet] tr[data-accelerator="${id}"] td`).first()).toHaveText(chipName(model(id), lang));
    }
    await expect(page.locator('[data-testid=tenants] tr[data-tenant=bank]')).toContainText(w.finance);
  });

  await test.step('submit a gap job and a domestic one; see them placed', async () => {
    await tab(page, m, 'nav.submit');
    await page.getByLabel(m('submit.class')).selectOption('llm-cuda-research');
    await page.getByRole('button', { name: m('submit.submit'), exact: true }).click();
    const result = page.getByTestId('submit-result');
    await expect(result).toContainText(w.placed);
    await expect(result).toContainText(h800);
    await page.getByLabel(m('submit.class')).selectOption('bank-embed-batch');
    await page.getByRole('button', { name: m('submit.submit'), exact: true }).click();
    await expect(result).toContainText(m('submit.accepted').replace('{id}', '2'));

    await tab(page, m, 'nav.queue');
    const row = page.locator('[data-testid=placed] tr[data-job="1"]');
    await expect(row).toContainText(w.placed);
    await expect(row).toContainText(h800);
    await expect(page.locator('[data-testid=placed] tr[data-job="2"]')).toBeVisible();
  });

  let shareBefore;
  await test.step('the imported scope counts the placed job', async () => {
    await tab(page, m, 'nav.overview');
    await expect(page.getByTestId('kpi-imported').locator('.value')).toHaveText(new RegExp(`^16 / ${Math.round(cap)}$`));
    await expect(page.locator('[data-testid=tenants] tr[data-tenant=llm-co] [data-testid=imported]')).toHaveText(/^16 \/ /);
    await expect(page.locator('[data-testid=fleet] tr[data-accelerator=h800] [data-testid=in-use]')).toHaveText('16');
    await expect(page.getByTestId('kpi-share').locator('.value')).toHaveText(/\d/);
    shareBefore = percent(await page.getByTestId('kpi-share').locator('.value').textContent());
    expect(shareBefore).toBeLessThan(0.5); // 1 domestic device beside 16 imported ones
  });

  await test.step('inject an import cut: immediate loss of H20 and H800', async () => {
    await tab(page, m, 'nav.ops');
    await page.getByLabel(h20).check();
    await page.getByLabel(h800).check();
    await page.getByLabel(m('ops.effect')).selectOption('immediate-loss');
    await page.getByLabel(m('ops.label'), { exact: true }).fill('e2e import cut');
    await page.getByRole('button', { name: m('ops.apply'), exact: true }).click();
    await expect(page.getByTestId('export-msg')).toHaveClass(/ok/);
    await expect(page.getByTestId('export-msg')).toContainText(h800);
    await expect(page.getByTestId('export-events')).toContainText('e2e import cut');
  });

  await test.step('the scope, supply and share change', async () => {
    await tab(page, m, 'nav.overview');
    await expect(page.getByTestId('kpi-imported').locator('.value')).toHaveText(/^0 \/ /);
    await expect(page.getByTestId('kpi-cut')).toContainText(h800);
    await expect(page.getByTestId('kpi-cut')).toContainText(h20);
    await expect(page.locator('[data-testid=fleet] tr[data-accelerator=h800]')).toContainText(w.cut);
    // Imported device time stopped at the cut while the domestic job runs on.
    await expect.poll(async () => percent(await page.getByTestId('kpi-share').locator('.value').textContent()),
      { timeout: 20_000 }).toBeGreaterThan(shareBefore + 0.005);
  });

  await test.step('the displaced job leaves the placed list, with the reason the API gives', async () => {
    await tab(page, m, 'nav.queue');
    await expect(page.locator('[data-testid=placed] tr[data-job="1"]')).toHaveCount(0);
    const job = await server.api('/v1/jobs/1', op, { lang: apiLang });
    expect(['pending', 'rejected']).toContain(job.status);
    const row = page.locator(`[data-testid=${job.status === 'pending' ? 'pending' : 'refused'}] tr[data-job="1"]`);
    await expect(row.locator('td.reason')).toHaveText(job.reason);
    await row.getByRole('link', { name: m('queue.explain') }).click();
    await expect(page.getByTestId('explain-reason')).toHaveText(job.reason);
  });

  await test.step('drain a node and resume it', async () => {
    const { nodes } = await server.api('/v1/nodes', op);
    const node = nodes.find((n) => n.accelerator === 'k100-ai' && n.status === 'up' && n.jobs.length === 0);
    await tab(page, m, 'nav.ops');
    const row = page.locator(`[data-testid=nodes] tr[data-node="${node.name}"]`);
    await row.getByRole('button', { name: m('ops.drain') }).click();
    await expect(page.getByTestId('node-msg')).toHaveClass(/ok/);
    await expect(row).toContainText(m('node.drained'));
    await row.getByRole('button', { name: m('ops.resume') }).click();
    await expect(row).toContainText(m('node.up'));
  });

  const dir = process.env.SUANLI_WEB_SCREENSHOTS || testInfo.outputDir;
  mkdirSync(dir, { recursive: true });
  await tab(page, m, 'nav.overview');
  await expect(page.getByTestId('kpi-cut')).toContainText(h800);
  await page.waitForTimeout(2500); // one more poll: the charts have their points
  await page.screenshot({ path: join(dir, `dashboard-${lang === 'zh-CN' ? 'zh' : 'en'}.png`), fullPage: true });
});

test('tenant: own figures only, a refusal with its rule', async ({ page }, testInfo) => {
  const { w, m, apiLang } = setup(testInfo);
  await signIn(page, m, w, server.tokens.bank);
  await expect(page.getByTestId('who')).toContainText(w.tenant);
  await expect(page.getByTestId('who')).toContainText('bank');
  await expect(page.getByRole('navigation').getByRole('link', { name: m('nav.ops') })).toHaveCount(0);
  await expect(page.locator('[data-testid=tenants] tr[data-tenant]')).toHaveCount(1);
  await expect(page.getByTestId('kpi-imported').locator('.value')).toHaveText('0 / 64'); // its own scope

  // A critical-infrastructure tenant's CUDA-only job: refused, H20 and H800 denied by the CII rule.
  await tab(page, m, 'nav.submit');
  await page.getByLabel(m('submit.custom_label')).fill('{"class": "bank-risk-serve", "stacks": ["cuda"]}');
  await page.getByRole('button', { name: m('submit.submit_custom') }).click();
  const result = page.getByTestId('submit-result');
  await expect(result).toContainText(w.refused);
  const job = await server.api('/v1/jobs/1', server.tokens.bank, { lang: apiLang });
  expect(job.status).toBe('rejected');
  await expect(result.locator('.reason')).toHaveText(job.reason);
  await result.getByRole('link').click();
  const denied = page.locator('[data-testid=candidates] tr.denied');
  await expect(denied).toHaveCount(2);
  await expect(denied.first()).toContainText(w.cii);
  await expect(denied.first()).toContainText(w.denied);
  await expect(denied.first().locator('td.reason')).toHaveText(job.verdicts[0].reason);

  // The audit log, filtered to refusals: the decision with the rule that denied.
  await tab(page, m, 'nav.audit');
  await page.getByLabel(m('audit.kind')).selectOption('reject');
  await page.getByRole('button', { name: m('audit.apply') }).click();
  const decisions = page.locator('[data-testid=decisions] tbody tr');
  await expect(decisions).toHaveCount(1);
  await expect(decisions.first()).toContainText(w.cii);

  // A job placed, then cancelled from the queue.
  await tab(page, m, 'nav.submit');
  await page.getByLabel(m('submit.class')).selectOption('bank-embed-batch');
  await page.getByRole('button', { name: m('submit.submit'), exact: true }).click();
  await expect(result).toContainText(w.placed);
  await tab(page, m, 'nav.queue');
  const placed = page.locator('[data-testid=placed] tr[data-job="2"]');
  await placed.getByRole('button', { name: m('queue.cancel') }).click();
  await expect(page.getByTestId('queue-msg')).toHaveText(m('queue.cancelled').replace('{id}', '2'));
  await expect(placed).toHaveCount(0);

  // Bad input: the API's error, with its JSON path, in the page.
  await tab(page, m, 'nav.submit');
  await page.getByLabel(m('submit.custom_label')).fill('{"class": "bank-risk-serve", "devices": "many"}');
  await page.getByRole('button', { name: m('submit.submit_custom') }).click();
  await expect(result).toHaveClass(/error/);
  await expect(result).toContainText(m('error.invalid'));
  await expect(result).toContainText('$.devices');
});

test('the language switch persists, and a bad token is refused', async ({ page }, testInfo) => {
  const { w, m } = setup(testInfo);
  await page.goto(server.url);
  await page.getByLabel(m('signin.token')).fill('sl_000000000000_nope');
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(m('signin.bad_token'));

  await signIn(page, m, w, server.tokens.operator);
  const other = WORDS[w.other];
  await page.getByRole('group').getByRole('button', { name: w.other === 'zh-CN' ? '中文' : 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', other.lang);
  await expect(page.getByTestId('kpi-share').locator('h3')).toHaveText(w.otherShare);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', other.lang);
  await expect(page.getByTestId('kpi-share').locator('h3')).toHaveText(w.otherShare);
  await page.getByRole('button', { name: CATALOGUE[w.other]['header.signout'] }).click();
  await expect(page.getByRole('button', { name: other.signIn, exact: true })).toBeVisible();
});
