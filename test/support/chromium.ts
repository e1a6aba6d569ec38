import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// .ci/run installs Debian's chromium; without it a browser suite says so and is skipped.
const CHROMIUM = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed; warns, naming the suite, when it is not. */
export function haveChromium(suite: string): boolean {
  const have = existsSync(CHROMIUM);
  if (!have)
    console.warn(`${suite} browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);
  return have;
}

/**
 * Headless Chromium through playwright-core, never a downloaded browser, with the background
 * networking that this closed network refuses turned off.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
