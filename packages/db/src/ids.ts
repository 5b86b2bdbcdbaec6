import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// Random bytes are drawn in bulk: one call to the system's generator per 409 ids instead of one
// per id (a sweep or a create makes hundreds of notification ids at once).
const pool = Buffer.alloc(4090);
let used = pool.length;

function random10(): number {
  if (used + 10 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += 10;
  return at;
}

/**
 * A UUID version 7: time-ordered, so new rows land at the end of the primary-key index and
 * ordering by id is ordering by creation. 48 bits of milliseconds, then 74 random bits.
 */
export function newId(now: number = Date.now()): string {
  const r = random10();
  const b = (i: number) => HEX[pool[r + i]!]!;
  let time = '';
  for (let shift = 40; shift >= 0; shift -= 8) time += HEX[Math.floor(now / 2 ** shift) % 256]!;
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-` +
    `${HEX[(pool[r]! & 0x0f) | 0x70]}${b(1)}-${HEX[(pool[r + 2]! & 0x3f) | 0x80]}${b(3)}-` +
    `${b(4)}${b(5)}${b(6)}${b(7)}${b(8)}${b(9)}`
  );
}
