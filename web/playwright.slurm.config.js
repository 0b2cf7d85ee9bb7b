// The Slurm tab's end-to-end test (tests/slurm): one real Slurm lab, headless
// Debian Chromium with a Chinese locale; the test switches to English itself.
// CTest runs it as web.slurm (tests/web/CMakeLists.txt).
import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

export default defineConfig({
  ...base,
  testDir: 'tests/slurm',
  timeout: 160_000,
  globalTimeout: 280_000,
  outputDir: process.env.SUANLI_WEB_TEST_OUT ? `${process.env.SUANLI_WEB_TEST_OUT}-slurm` : 'test-results-slurm',
  projects: [{ name: 'zh-CN', use: { locale: 'zh-CN' } }],
});
