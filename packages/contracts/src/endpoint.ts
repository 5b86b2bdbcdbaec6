import type { Static, TObject, TSchema } from 'typebox';
import type { ErrorCode } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A reply that is a file (a download), not JSON. */
export interface FileReply {
  file: string;
  description: string;
}

/** A multipart/form-data request: its file fields, documented. */
export interface Upload {
  /** Field name → what goes in it. */
  files: Record<string, string>;
  maxFiles: number;
}

/**
 * One endpoint of the API: everything the server registers (validation, serialisation, the OpenAPI
 * document) and the mini-program's client is typed from.
 */
export interface Endpoint {
  method: Method;
  /** Below /api/v1, with `:name` for path parameters. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Reachable without signing in. */
  public?: boolean;
  /** Registered only while the demo login is on (AUTH_DEV_LOGIN). */
  devOnly?: boolean;
  params?: TObject;
  query?: TObject;
  headers?: TObject;
  /** A JSON body. */
  body?: TSchema;
  /** A POST without a body means `{}`. */
  bodyOptional?: boolean;
  upload?: Upload;
  /** Success replies by status. */
  replies: Readonly<Record<number, TSchema | FileReply>>;
  /** The error codes this endpoint can answer, beyond those every endpoint can (see commonErrors). */
  errors: readonly ErrorCode[];
}

/** Keeps an endpoint's literal types (method, path, schemas) for the types below. */
export const endpoint = <const E extends Endpoint>(e: E): E => e;

/**
 * What any endpoint can answer besides its own errors: sign-in failures unless public, request
 * validation when it takes input, a body's format and size, and the server's own failures.
 */
export function commonErrors(e: Endpoint): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (e.params || e.query || e.headers || e.body) codes.push('VALIDATION_ERROR');
  if (e.body) codes.push('INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  // A body that is cut off or not in the format it declares (a broken multipart body).
  if (e.body || e.upload) codes.push('BAD_REQUEST');
  if (!e.public) codes.push('UNAUTHORIZED', 'TOKEN_EXPIRED', 'ACCOUNT_DISABLED');
  codes.push('INTERNAL_ERROR', 'DATABASE_UNAVAILABLE');
  return codes;
}

/** All the codes an endpoint can answer, each once. */
export const errorsOf = (e: Endpoint): ErrorCode[] => [...new Set([...commonErrors(e), ...e.errors])];

type StaticOf<S> = S extends TSchema ? Static<S> : never;

type JsonReplies<E extends Endpoint> = {
  [S in keyof E['replies']]: E['replies'][S] extends FileReply ? never : StaticOf<E['replies'][S]>;
}[keyof E['replies']];

/** The JSON a successful call answers (never, for a file). */
export type ReplyOf<E extends Endpoint> = JsonReplies<E>;

type Part<E, K extends keyof Endpoint, Name extends string, Optional extends boolean = false> = E extends {
  [P in K]: infer S;
}
  ? S extends TSchema
    ? Optional extends true
      ? { [P in Name]?: Static<S> }
      : { [P in Name]: Static<S> }
    : object
  : object;

/** What a caller sends: path parameters, query, headers and body, each where the endpoint has them. */
export type InputOf<E extends Endpoint> = Part<E, 'params', 'params'> &
  Part<E, 'query', 'query', true> &
  Part<E, 'headers', 'headers'> &
  Part<E, 'body', 'body', E extends { bodyOptional: true } ? true : false>;

export type ParamsOf<E extends Endpoint> = E extends { params: infer S extends TSchema } ? Static<S> : unknown;
export type QueryOf<E extends Endpoint> = E extends { query: infer S extends TSchema } ? Static<S> : unknown;
export type HeadersOf<E extends Endpoint> = E extends { headers: infer S extends TSchema } ? Static<S> : unknown;
export type BodyOf<E extends Endpoint> = E extends { body: infer S extends TSchema } ? Static<S> : unknown;
