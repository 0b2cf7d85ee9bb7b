// The dashboard's Slurm tab end to end: a real Slurm 22.05 lab with
// accounting (scripts/slurm/lab.sh up: munged, MariaDB, slurmdbd, slurmctld,
// five slurmd, slurmrestd and `suanli serve --slurm`), two real sbatch
// submissions, and headless Chromium on the lab's dashboard. Asserts Slurm's
// nodes and jobs beside suanli's record and the sacct-based domestic share, in
// Chinese and then, after the language switch, in English. Stops the lab it
// started; fails (never skips) when the lab does not start.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suanliBin } from '../e2e/server.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const labScript = join(repo, 'scripts/slurm/lab.sh');
const catalogue = (name) => JSON.parse(readFileSync(join(repo, 'web/src/i18n', name), 'utf8'));
const CAT = { 'zh-CN': catalogue('zh-CN.json'), en: catalogue('en.json') };

let tmp;
let lab;
let url;
let token;
// The lab's slurm.conf; munge authentication (a SLURM_JWT, even empty, would switch sbatch to JWT).
function slurmEnv() {
  const env = { ...process.env, SLURM_CONF: join(lab, 'etc/slurm.conf') };
  delete env.SLURM_JWT;
  return env;
}
const read = (p) => readFileSync(join(lab, p), 'utf8').trim();

function sbatch(args, script) {
  const out = execFileSync('/usr/bin/sbatch', ['--parsable', '-o', '/dev/null', ...args, '--wrap', script],
    { cwd: join(lab, 'jobs'), env: slurmEnv(), encoding: 'utf8', timeout: 20_000 });
  return Number(out.trim().split(';')[0]);
}

test.beforeAll(async () => {
  tmp = mkdtempSync('/tmp/suanli-web-slurm-'); // reachable by slurmrestd's user
  chmodSync(tmp, 0o755); // slurmrestd runs as its own user
  lab = join(tmp, 'lab');
  // Throws (the test fails) when the lab does not come up; lab.sh stops what it started.
  execFileSync('/bin/bash', [labScript, 'up', '--dir', lab, '--accounting', '1', '--suanli', suanliBin()],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  url = `http://127.0.0.1:${Number(read('ports')) + 3}`;
  token = read('tokens/operator');
});

test.afterAll(async () => {
  if (lab) {
    try { execFileSync('/bin/bash', [labScript, 'down', '--dir', lab], { stdio: 'ignore', timeout: 60_000 }); } catch { /* reported by the test */ }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('Slurm tab: nodes, jobs beside suanli, the sacct share; both languages', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // A critical tenant's untyped GPU job (lands on a domestic node) and a
  // CUDA-only gap job (an imported node).
  const grid = sbatch(['-A', 'grid', '--gres=gpu:8', '--comment=suanli:class=grid-finetune'], 'sleep 300');
  const gap = sbatch(['-A', 'llm-co', '--gres=gpu:8', '--comment=suanli:class=llm-cuda-research'], 'sleep 300');
  expect(grid).toBeGreaterThan(0);
  expect(gap).toBeGreaterThan(0);

  for (const lang of ['zh-CN', 'en']) {
    const m = (id) => CAT[lang][id];
    await test.step(`${lang}: sign in, open the Slurm tab`, async () => {
      if (lang === 'zh-CN') {
        await page.goto(url);
        await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
        await page.getByLabel(m('signin.token')).fill(token);
        await page.getByRole('button', { name: m('signin.submit'), exact: true }).click();
      } else {
        await page.getByRole('button', { name: 'English', exact: true }).click();
        await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      }
      await page.getByRole('navigation').getByRole('link', { name: m('nav.slurm'), exact: true }).click();
    });

    await test.step(`${lang}: Slurm's nodes and jobs beside suanli's record`, async () => {
      const nodes = page.locator('[data-testid=slurm-nodes] tbody tr[data-node]');
      await expect(nodes).toHaveCount(5, { timeout: 30_000 });
      for (const n of ['ascend-1', 'ascend-2', 'mlu-1', 'h200-1', 'h20-1']) {
        await expect(page.locator(`[data-testid=slurm-nodes] tr[data-node="${n}"]`)).toBeVisible();
      }
      const gridRow = page.locator(`[data-testid=slurm-jobs] tr[data-slurm-job="${grid}"]`);
      await expect(gridRow).toContainText('RUNNING', { timeout: 30_000 });
      await expect(gridRow).toContainText(/ascend-[12]/);
      await expect(gridRow).toContainText('grid');
      await expect(gridRow.locator('a')).toHaveText(/^#\d+$/);
      const gapRow = page.locator(`[data-testid=slurm-jobs] tr[data-slurm-job="${gap}"]`);
      await expect(gapRow).toContainText('RUNNING', { timeout: 30_000 });
      await expect(gapRow).toContainText(/h200-1|h20-1/);
      await expect(page.getByTestId('slurm-bridge')).not.toContainText(m('slurm.bridge_error').split('{')[0]);
    });

    await test.step(`${lang}: the domestic share from sacct, beside suanli's`, async () => {
      const gridShare = page.locator('[data-testid=slurm-share] tr[data-tenant=grid] td');
      // slurmdbd records a start shortly after it: read sacct again until it has both jobs.
      await expect(async () => {
        await page.getByRole('button', { name: m('slurm.share_refresh'), exact: true }).click();
        await expect(gridShare.nth(3)).toHaveText('100%', { timeout: 2_000 });
        await expect(page.locator('[data-testid=slurm-share] tr[data-tenant=llm-co] td').nth(3)).toHaveText('0%', { timeout: 2_000 });
      }).toPass({ timeout: 40_000 });
      await expect(gridShare.nth(4)).toHaveText('100%');
      const gapShare = page.locator('[data-testid=slurm-share] tr[data-tenant=llm-co] td');
      await expect(gapShare.nth(3)).toHaveText('0%');
      await expect(gapShare.nth(4)).toHaveText('0%');
      await expect(page.getByTestId('slurm-share-info')).toContainText(m('slurm.cap_within'));
    });
  }
  expect(errors, 'JavaScript errors on the page').toEqual([]);
});
