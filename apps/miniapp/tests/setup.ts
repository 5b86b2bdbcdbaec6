import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { resetTaro } from './taro-mock';

// Without vitest globals, Testing Library does not unmount by itself.
afterEach(() => cleanup());
beforeEach(() => resetTaro());

// findBy… and waitFor end as soon as what they wait for shows; their default limit (1 s) is
// what a busy two-core machine can exceed, so it is a backstop here, not a budget.
configure({ asyncUtilTimeout: 30_000 });
