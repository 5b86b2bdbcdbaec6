import Taro from '@tarojs/taro';
import type { AuthReply, Endpoints, InputOf, OperationId, ReplyOf, Ticket } from '@minhu/contracts';
import type { TicketAction } from '@minhu/domain';
import { load, remove, save } from './storage';

/**
 * The one way the app talks to the API: by operation, as the table of endpoints
 * (packages/contracts/src/endpoints.ts) names them, typed from it: `api.claimTicket({ params: { id } })`.
 * No page writes a URL. Failures are never turned into fake successes: every failure is an
 * ApiError that says what happened and whether a retry can help.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** The request may not have reached the server, or the server was briefly down: safe to retry. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Method and path of every endpoint, put in at build time from the table (config/index.ts), so
 * the schemas themselves stay out of the app's code.
 */
declare const API_ROUTES: Record<OperationId, readonly [Method, string]>;
declare const API_BASE_PATH: string;

const API_ROOT = `${API_BASE}${API_BASE_PATH}`;

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const TOKENS_KEY = 'minhu.tokens';
let tokens: Tokens | null = load<Tokens | null>(TOKENS_KEY, null);
let onSignedOut: () => void = () => {};

export function setTokens(reply: Pick<AuthReply, 'accessToken' | 'refreshToken'> | null) {
  tokens = reply ? { accessToken: reply.accessToken, refreshToken: reply.refreshToken } : null;
  if (tokens) save(TOKENS_KEY, tokens);
  else remove(TOKENS_KEY);
}

export const hasTokens = () => tokens !== null;
export const accessToken = () => tokens?.accessToken ?? null;

/** Called when the session cannot be renewed: the app returns to the login screen. */
export function whenSignedOut(handler: () => void) {
  onSignedOut = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function send(method: Method, path: string, data: unknown, headers: Record<string, string>) {
  try {
    return await Taro.request({
      url: `${API_ROOT}${path}`,
      method,
      data: data as Record<string, unknown> | undefined,
      header: {
        'content-type': 'application/json',
        ...(tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {}),
        ...headers,
      },
      timeout: 15000,
      dataType: 'json',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试。', (error as { errMsg?: string }).errMsg);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Swaps the refresh token for new tokens, once, however many requests found the old one expired. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = tokens?.refreshToken;
    if (!refreshToken) return false;
    try {
      const response = await Taro.request({
        url: urlOf('refreshTokens', {}),
        method: 'POST',
        data: { refreshToken },
        header: { 'content-type': 'application/json' },
        timeout: 15000,
      });
      if (response.statusCode !== 200) return false;
      setTokens(response.data as AuthReply);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function request<T>(method: Method, path: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response = await send(method, path, data, headers);
  if (response.statusCode === 401 && tokens) {
    if (await refresh()) {
      response = await send(method, path, data, headers);
    } else {
      setTokens(null);
      onSignedOut();
    }
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response.data as T;
  const body = response.data as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  throw new ApiError(
    response.statusCode,
    body?.error?.code ?? 'HTTP_ERROR',
    body?.error?.message ?? (response.statusCode >= 500 ? '服务暂时不可用，请稍后重试。' : `请求失败 (${response.statusCode})`),
    body?.error?.details,
  );
}

type Input = { params?: object; query?: object; headers?: object; body?: unknown };

/** An endpoint's path with its parameters filled in, and its query (values that are set). */
function pathOf(operation: OperationId, input: Input): string {
  const [, template] = API_ROUTES[operation];
  const params = (input.params ?? {}) as Record<string, string>;
  const path = template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]!));
  const query = Object.entries(input.query ?? {})
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

/** Calls one endpoint of the table. */
export function call<K extends OperationId>(operation: K, ...[input]: CallArgs<K>): Promise<ReplyOf<Endpoints[K]>> {
  const given = (input ?? {}) as Input;
  const [method] = API_ROUTES[operation];
  // wx.request has no PATCH (the table has a POST twin where one is needed), and the API refuses
  // a JSON content type with an empty body: a bodiless write sends `{}`.
  const body = given.body ?? (method === 'GET' ? undefined : {});
  return request(method, pathOf(operation, given), body, (given.headers ?? {}) as Record<string, string>);
}

/** The input is optional for an endpoint that takes nothing required. */
type CallArgs<K extends OperationId> = Record<never, never> extends InputOf<Endpoints[K]> ? [input?: InputOf<Endpoints[K]>] : [input: InputOf<Endpoints[K]>];

/** Every endpoint as a function: `api.listTickets({ query: { scope: 'team' } })`. */
export const api = Object.fromEntries(
  (Object.keys(API_ROUTES) as OperationId[]).map((operation) => [operation, (input?: Input) => call(operation, input as never)]),
) as unknown as { [K in OperationId]: (...args: CallArgs<K>) => Promise<ReplyOf<Endpoints[K]>> };

/** A ticket action (签收, 办结, …) by its name in the state machine, as the ticket page offers them. */
export const act = (id: string, action: TicketAction, body: Record<string, unknown>): Promise<Ticket> =>
  call(`${action}Ticket` as 'noteTicket', { params: { id }, body } as InputOf<Endpoints['noteTicket']>);

/** The full address of an endpoint, for what is not a JSON call (uploads, downloads). */
export const urlOf = <K extends OperationId>(operation: K, input: Omit<InputOf<Endpoints[K]>, 'body' | 'headers'>) =>
  `${API_ROOT}${pathOf(operation, input as Input)}`;

/** Uploads one photo (multipart), returning its id. */
export async function uploadPhoto(filePath: string): Promise<string> {
  const attempt = () =>
    Taro.uploadFile({
      url: urlOf('createUpload', {}),
      filePath,
      name: 'file',
      header: tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {},
    });
  let result: Taro.uploadFile.SuccessCallbackResult;
  try {
    result = await attempt();
    if (result.statusCode === 401 && (await refresh())) result = await attempt();
  } catch (error) {
    throw new ApiError(0, 'NETWORK', '照片上传失败：网络连接不上，请重试。', (error as { errMsg?: string }).errMsg);
  }
  const body = typeof result.data === 'string' ? safeJson(result.data) : result.data;
  if (result.statusCode === 201) return (body as { id: string }).id;
  const error = (body as { error?: { code: string; message: string } } | null)?.error;
  throw new ApiError(result.statusCode, error?.code ?? 'UPLOAD_FAILED', error?.message ?? '照片上传失败，请重试。');
}

/** A photo behind the API's access check, as a local path an <Image> can show. */
export async function downloadPhoto(id: string): Promise<string> {
  const result = await Taro.downloadFile({
    url: urlOf('getUpload', { params: { id } }),
    header: tokens ? { authorization: `Bearer ${tokens.accessToken}` } : {},
  });
  if (result.statusCode !== 200) throw new ApiError(result.statusCode, 'DOWNLOAD_FAILED', '照片加载失败');
  return result.tempFilePath;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The message to show a person for any failure. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return '出了点问题，请稍后重试。';
}
