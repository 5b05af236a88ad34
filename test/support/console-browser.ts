import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

/** Where the run's screenshots go (the README shows them). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '.cache', 'screenshots');

/** Debian's chromium (deploy/local/install-deps installs it); CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps calling home, which a closed network answers with timeouts.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Builds the console the search service serves (dist/console), so the browser tests run against the current source. */
export function buildConsole(): void {
  execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: run bash deploy/local/install-deps (it installs Debian's chromium)`);
  // launch() gives every run a fresh temporary profile (user-data-dir), removed on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core run in the page (evaluated over the DevTools protocol, so the console's content security policy, which
 * allows no inline script, stays on); answers the serious and critical violations.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations: AxeViolation[] = await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations.map((violation) => ({
      id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')),
    })))`);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Presses Tab until the focused element's accessible text matches, as a keyboard user would; fails after `limit` presses. */
export async function tabTo(page: Page, matches: RegExp, limit = 80): Promise<void> {
  for (let press = 0; press < limit; press++) {
    await page.keyboard.press('Tab');
    const focused: string = await page.evaluate(`(() => {
      const element = document.activeElement;
      if (!element) return '';
      const label = element.id ? (document.querySelector('label[for="' + element.id + '"]')?.textContent ?? '') : '';
      return [element.getAttribute('aria-label') ?? '', label, element.tagName === 'SELECT' ? '' : (element.textContent ?? '')].join(' ').trim();
    })()`);
    if (matches.test(focused)) return;
  }
  throw new Error(`Tab never reached an element matching ${matches}`);
}
