// Browser tests of the HTML reports. Playwright cannot download a browser here, so it drives
// Debian's Chromium; the reports are opened from file:// and need no server.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: ['reports/**/*.spec.ts'],
  testIgnore: ['node_modules/**'],
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: process.env.FULCRUM_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
});
