const TOKEN_KEY = 'platekeeper.token';

export interface Session {
  token: string;
  userId: string;
  agencyId: string;
  roles: string[];
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly messages: string[]) {
    super(messages.join('; ') || `request failed (${status})`);
  }
}

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return null;
    return { token, userId: payload.sub, agencyId: payload.agency, roles: payload.roles ?? [] };
  } catch {
    return null;
  }
}

export function startSession(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function endSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The search API on this origin, with the session's bearer token; errors carry the API's messages. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetchWithSession(method, path, body);
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    if (response.status === 401) endSession();
    const message = parsed?.message;
    throw new ApiError(response.status, Array.isArray(message) ? message : [String(message ?? response.statusText)]);
  }
  return parsed as T;
}

export async function fetchWithSession(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  const session = currentSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** One record of `GET /v1/audit/searches` (the agency's audit listing), as the audit and review pages read it. */
export interface AuditedSearch {
  seq: string;
  recordedAt: string;
  userId: string;
  agencyId: string;
  action: string;
  purpose: string | null;
  caseNumber: string | null;
  reason: string | null;
  outcome: string;
  total: number | null;
  readsReturnedFromThisAgency: number;
  readsWithheldFromThisAgency: number;
  withheldFromThisAgency: string[] | null;
  relation: string;
}
