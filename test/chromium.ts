import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this network needs: without the
 * background-networking ones Chromium keeps trying Google's hosts, which a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PLUMBLINE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
