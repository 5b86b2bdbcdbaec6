/**
 * When PostgreSQL cannot be reached, requests must fail at once with a clear "try again" (503),
 * not queue behind connections that will never answer. Three parts:
 * - which driver and server errors mean "the database is unavailable" (not "this statement is wrong");
 * - a watch on every statement: a blackholed connection answers nothing, and postgres.js has no
 *   timeout of its own for a statement already sent, so a statement that waits too long makes
 *   the breaker try a fresh connection (which has a connect timeout);
 * - a breaker: once the database is known to be down (a connection refused or timed out, that
 *   probe failing), every statement waiting fails at once, and new ones fail without touching
 *   the pool for `downForMs`; then statements are let through again.
 */

/** Raised by the breaker; the API answers it as 503 DATABASE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_DOWN';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Errors that mean "cannot get a working connection" (they trip the breaker): refused, timed out,
 * the database not accepting connections (55000, e.g. ALLOW_CONNECTIONS false), not existing
 * (3D000), starting or shutting down (57P03), full (53300), or a connection exception (class 08).
 */
const CANNOT_CONNECT = new Set([
  'DATABASE_DOWN', // the breaker's own (DatabaseUnavailableError)
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  '55000',
  '3D000',
  '57P03',
  '53300',
]);

/** Errors that lose one connection or statement to an outage (answered 503, but do not trip the breaker on their own). */
const LOST_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (e instanceof AggregateError) e.errors.forEach(visit);
    visit((e as { cause?: unknown }).cause);
  };
  visit(error);
  return codes;
}

/** Whether this error means no working connection can be had now (trips the breaker). */
export function cannotConnect(error: unknown): boolean {
  return codesOf(error).some((code) => CANNOT_CONNECT.has(code) || code.startsWith('08'));
}

/**
 * Whether a failure is the database being unavailable rather than the request or the code being
 * wrong: what cannot connect, lost connections, and SQLSTATE classes 08 (connection exception),
 * 53 (insufficient resources), 57P0x (operator intervention: shutdown, crash, database dropped),
 * 55000 and 3D000.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (cannotConnect(error)) return true;
  return codesOf(error).some((code) => LOST_CONNECTION.has(code) || code.startsWith('53') || code.startsWith('57P0'));
}

export interface BreakerOptions {
  /**
   * A statement not answered within this makes the breaker ask whether the database can still be
   * reached (`probe`), and again each time this passes while it waits (0: never).
   */
  probeAfterMs: number;
  /** Opens a fresh connection and asks it something; rejects when it cannot. */
  probe?: () => Promise<void>;
  /** How long statements fail at once after the database was found down. */
  downForMs: number;
  now?: () => number;
}

export class Breaker {
  private downUntil = 0;
  private readonly waiting = new Set<(error: Error) => void>();
  private probing: Promise<boolean> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether statements are failing at once now. */
  get open(): boolean {
    return this.now() < this.downUntil;
  }

  /** How long a client should wait before trying again, in whole seconds. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.options.downForMs / 1000));
  }

  /** The database was found down: fail everything waiting, and what comes for a while. */
  trip(): void {
    this.downUntil = this.now() + this.options.downForMs;
    const error = down();
    for (const fail of [...this.waiting]) fail(error);
  }

  /**
   * Runs one piece of database work under the breaker: refused at once while it is open, failed
   * when it trips, and watched: if it waits longer than `probeAfterMs`, a fresh connection is
   * tried (one probe at a time, shared). A slow statement on a working database (a lock wait, a
   * big import) goes on; one on a blackholed connection fails once the probe cannot connect. `work`
   * is started only when let through (postgres.js sends a statement when it is first awaited).
   */
  run<T>(work: () => PromiseLike<T>): Promise<T> {
    if (this.open) return Promise.reject(down());
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = () => {
        settled = true;
        this.waiting.delete(fail);
        if (timer) clearTimeout(timer);
      };
      const fail = (error: Error) => {
        settle();
        reject(error);
      };
      const watch = () => {
        timer = setTimeout(() => {
          void this.reachable().then((ok) => {
            if (settled) return;
            if (ok) watch();
            else this.trip();
          });
        }, this.options.probeAfterMs);
      };
      this.waiting.add(fail);
      if (this.options.probe && this.options.probeAfterMs > 0) watch();
      work().then(
        (value) => {
          if (settled) return;
          settle();
          resolve(value);
        },
        (error: unknown) => {
          // Work given up already (the breaker tripped) says nothing about the database now.
          if (settled) return;
          settle();
          reject(error);
          if (cannotConnect(error)) this.trip();
        },
      );
    });
  }

  private reachable(): Promise<boolean> {
    this.probing ??= this.options.probe!().then(
      () => true,
      () => false,
    ).finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }
}

const down = () => new DatabaseUnavailableError('数据库暂时无法访问');
