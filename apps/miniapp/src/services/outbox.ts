import type { CreateTicketBody, Ticket } from '@minhu/contracts';
import { api, ApiError } from './api';
import { load, newKey, save } from './storage';

/**
 * Nothing is lost on a bad network. A form in progress is a draft in local storage; a submission
 * carries an Idempotency-Key made once per draft, so however often it is retried (by the person
 * or automatically) the API makes one ticket of it. A submission that could not get through waits
 * in the outbox and is sent again when the network returns.
 */

export interface Draft {
  key: string;
  form: Record<string, unknown>;
  savedAt: number;
}

export interface Pending {
  key: string;
  body: CreateTicketBody;
  savedAt: number;
  lastError: string;
}

const DRAFTS_KEY = 'minhu.drafts';
const OUTBOX_KEY = 'minhu.outbox';

export function loadDraft(name: string): Draft | null {
  return load<Record<string, Draft>>(DRAFTS_KEY, {})[name] ?? null;
}

/** Keeps the form as typed; the key stays the same for the life of the draft. */
export function saveDraft(name: string, form: Record<string, unknown>, key?: string): Draft {
  const drafts = load<Record<string, Draft>>(DRAFTS_KEY, {});
  const draft = { key: key ?? drafts[name]?.key ?? newKey(), form, savedAt: Date.now() };
  save(DRAFTS_KEY, { ...drafts, [name]: draft });
  return draft;
}

export function clearDraft(name: string) {
  const drafts = load<Record<string, Draft>>(DRAFTS_KEY, {});
  delete drafts[name];
  save(DRAFTS_KEY, drafts);
}

export const pendingSubmissions = () => load<Pending[]>(OUTBOX_KEY, []);

function setPending(list: Pending[]) {
  save(OUTBOX_KEY, list);
}

export type SubmitResult =
  | { ok: true; ticket: Ticket }
  /** Kept in the outbox; it will be sent when the network allows. */
  | { ok: false; queued: true; message: string }
  /** Refused by the API (bad input): the person must change something. */
  | { ok: false; queued: false; error: ApiError };

export async function submitTicket(key: string, body: CreateTicketBody): Promise<SubmitResult> {
  try {
    const ticket = await api.createTicket({ body, headers: { 'idempotency-key': key } });
    setPending(pendingSubmissions().filter((p) => p.key !== key));
    return { ok: true, ticket };
  } catch (error) {
    if (error instanceof ApiError && !error.retryable) {
      setPending(pendingSubmissions().filter((p) => p.key !== key));
      return { ok: false, queued: false, error };
    }
    const message = error instanceof ApiError ? error.message : '提交失败';
    const waiting = pendingSubmissions();
    const others = waiting.filter((p) => p.key !== key);
    // A retry keeps the time it was first saved: the list shows it as 保存于.
    const savedAt = waiting.find((p) => p.key === key)?.savedAt ?? Date.now();
    setPending([...others, { key, body, savedAt, lastError: message }]);
    return { ok: false, queued: true, message };
  }
}

let flushing = false;

/** Sends what waits in the outbox; returns the tickets that got through. */
export async function flushOutbox(): Promise<Ticket[]> {
  if (flushing) return [];
  flushing = true;
  const sent: Ticket[] = [];
  try {
    for (const pending of pendingSubmissions()) {
      const result = await submitTicket(pending.key, pending.body);
      if (result.ok) sent.push(result.ticket);
      else if (result.queued) break; // still offline: try again later
    }
  } finally {
    flushing = false;
  }
  return sent;
}
