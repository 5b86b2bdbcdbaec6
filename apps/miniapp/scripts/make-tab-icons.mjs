// Draws the tab bar's icons (home, list, me) as small PNGs, grey and brand red, so the app needs
// no design tool or icon font: WeChat's tab bar takes only image files. Run once; outputs are committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 81;
const SCALE = 4; // supersampling for smooth edges

const shapes = {
  // A house: roof triangle and body with a door.
  home: (x, y) =>
    (y >= 14 && y <= 40 && Math.abs(x - 40.5) <= (y - 14) * 1.15 + 0.5 && Math.abs(x - 40.5) >= (y - 14) * 1.15 - 6) ||
    (y >= 34 && y <= 68 && x >= 18 && x <= 63 && !(x >= 24 && x <= 57 && y >= 40 && y <= 62)) ||
    (y >= 48 && y <= 68 && x >= 35 && x <= 46),
  // A list: a frame with three lines.
  list: (x, y) =>
    (x >= 16 && x <= 65 && y >= 12 && y <= 70 && !(x >= 22 && x <= 59 && y >= 18 && y <= 64)) ||
    [28, 40, 52].some((ly) => y >= ly - 2.5 && y <= ly + 2.5 && x >= 29 && x <= 52),
  // A person: head and shoulders.
  me: (x, y) =>
    Math.hypot(x - 40.5, y - 27) <= 13 ||
    (y >= 46 && y <= 70 && ((x - 40.5) / 26) ** 2 + ((y - 72) / 26) ** 2 <= 1),
};

function png(pixels) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function draw(inside, [r, g, b]) {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let hits = 0;
      for (let sy = 0; sy < SCALE; sy++) {
        for (let sx = 0; sx < SCALE; sx++) if (inside(x + (sx + 0.5) / SCALE, y + (sy + 0.5) / SCALE)) hits++;
      }
      pixels.set([r, g, b, Math.round((255 * hits) / (SCALE * SCALE))], (y * SIZE + x) * 4);
    }
  }
  return png(pixels);
}

const out = new URL('../src/assets/tab/', import.meta.url);
for (const [name, inside] of Object.entries(shapes)) {
  writeFileSync(new URL(`${name}.png`, out), draw(inside, [0x55, 0x55, 0x55]));
  writeFileSync(new URL(`${name}-on.png`, out), draw(inside, [0xc8, 0x16, 0x1d]));
}
