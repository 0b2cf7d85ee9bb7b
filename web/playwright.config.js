// The dashboard's end-to-end test in headless Chromium: Debian's /usr/bin/chromium
// (no browser download), once with a Chinese and once with an English locale.
// CTest runs it as web.dashboard (tests/web/CMakeLists.txt) with SUANLI_BIN
// pointing at the built `suanli`; the spec starts and stops its own servers.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  // Inside ctest's 180 s: one test stuck reports its failure, not a ctest timeout.
  timeout: 40_000,
  globalTimeout: 165_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: process.env.SUANLI_WEB_TEST_OUT || 'test-results',
  use: {
    launchOptions: { executablePath: process.env.SUANLI_CHROMIUM || '/usr/bin/chromium' },
    viewport: { width: 1360, height: 900 },
    timezoneId: 'Asia/Shanghai',
    trace: 'off',
  },
  projects: [
    { name: 'zh-CN', use: { locale: 'zh-CN' } },
    { name: 'en', use: { locale: 'en-US' } },
  ],
});
