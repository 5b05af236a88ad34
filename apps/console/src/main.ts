import './styles.css';
import { ApiError, currentSession, endSession } from './api';
import { h, status } from './dom';
import { finishOidcIfReturning, renderSignIn } from './sign-in';
import { renderSharing } from './pages/sharing';
import { renderAccess } from './pages/access';
import { renderReview } from './pages/review';
import { renderAudit } from './pages/audit';

export interface PageContext {
  agencyId: string;
  userId: string;
  main: HTMLElement;
}

const PAGES: Array<{ path: string; title: string; render: (context: PageContext) => Promise<void> }> = [
  { path: '#/sharing', title: 'Sharing', render: renderSharing },
  { path: '#/access', title: 'Who can see our data', render: renderAccess },
  { path: '#/review', title: 'Monthly review', render: renderReview },
  { path: '#/audit', title: 'Audit', render: renderAudit },
];

const root = document.getElementById('app')!;

async function route(): Promise<void> {
  const session = currentSession();
  if (!session) {
    await renderSignIn(root, () => { location.hash = '#/sharing'; void route(); });
    return;
  }
  const page = PAGES.find((candidate) => candidate.path === location.hash) ?? PAGES[0];
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = h('nav', { 'aria-label': 'Console' }, h('ul', {}, PAGES.map((candidate) =>
    h('li', {}, h('a', { href: candidate.path, 'aria-current': candidate === page ? 'page' : undefined }, candidate.title)))));
  const signOut = h('button', { type: 'button', class: 'link', onclick: () => { endSession(); location.hash = ''; void route(); } }, 'Sign out');
  root.replaceChildren(
    h('header', { class: 'top' },
      h('p', { class: 'brand' }, 'Platekeeper'),
      h('p', { class: 'who' }, `${session.userId} · ${session.agencyId} · ${session.roles.map((role) => role.replace('_', ' ')).join(', ')} `, signOut),
      nav),
    main,
  );
  document.title = `${page.title} – Platekeeper console`;
  main.append(h('h1', {}, page.title));
  try {
    await page.render({ agencyId: session.agencyId, userId: session.userId, main });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return route();
    main.append(status((error as Error).message, 'error'));
  }
  main.focus();
}

window.addEventListener('hashchange', () => void route());
finishOidcIfReturning()
  .catch((error: Error) => { root.replaceChildren(status(`Sign-in failed: ${error.message}`, 'error')); })
  .finally(() => void route());
