import { lazy } from 'react';

/** The browser's other-homes.ts: each home a chunk of its own, fetched when first shown. */
export const MemberHome = lazy(() => import('./member-home').then((m) => ({ default: m.MemberHome })));
export const SecretaryHome = lazy(() => import('./secretary-home').then((m) => ({ default: m.SecretaryHome })));
