import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { resetTaro } from './taro-mock';

// Without vitest globals, Testing Library does not unmount by itself.
afterEach(() => cleanup());
beforeEach(() => resetTaro());
