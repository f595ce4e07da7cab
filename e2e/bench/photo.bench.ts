// Phone-side photo pipeline: the time to shrink (1600 px, JPEG 0.8), hash and store a
// 12-megapixel JPEG in IndexedDB with the app's own code, beside the bare canvas encode of the
// same file, alternating in one run; and the bytes stored per photo.
import { test } from '../tests/server';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PWA_DIR } from '../tests/server';

const RUNS = 7;

function findSnippet(dir: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findSnippet(path);
      if (found) return found;
    } else if (entry.name === 'idb.js') {
      return path;
    }
  }
  return '';
}

test('photo shrink and store', async ({ page, server }) => {
  const snippet = '/' + relative(PWA_DIR, findSnippet(PWA_DIR));
  await page.goto(`${server.url}/login`);
  const result = await page.evaluate(
    async ({ snippet, runs }) => {
      const idb = await import(snippet);
      // A 12-megapixel photo-like JPEG: smooth light with fine texture, as a phone camera
      // writes it (quality 0.92), a few megabytes.
      const w = 4000, h = 3000;
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d')!;
      const g = ctx.createLinearGradient(0, 0, w, h);
      g.addColorStop(0, '#8a6f4e');
      g.addColorStop(0.5, '#d9cbb3');
      g.addColorStop(1, '#3e5a73');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, w, h);
      const tile = ctx.createImageData(256, 256);
      let seed = 7;
      for (let i = 0; i < tile.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const n = (seed >> 16) & 127;
        tile.data[i] = tile.data[i + 1] = tile.data[i + 2] = 112 + n;
        tile.data[i + 3] = 90;
      }
      const tileBitmap = await createImageBitmap(tile);
      for (let y = 0; y < h; y += 256) for (let x = 0; x < w; x += 256) ctx.drawImage(tileBitmap, x, y);
      for (let i = 0; i < 400; i++) {
        ctx.fillStyle = `hsla(${(i * 37) % 360}, 40%, ${30 + (i % 40)}%, 0.5)`;
        ctx.fillRect((i * 997) % w, (i * 613) % h, 40 + (i % 200), 30 + (i % 150));
      }
      const original = new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })], 'photo.jpg', { type: 'image/jpeg' });

      const bare = async () => {
        const t0 = performance.now();
        const bmp = await createImageBitmap(original, { imageOrientation: 'from-image' });
        const c = new OffscreenCanvas(1600, 1200);
        c.getContext('2d')!.drawImage(bmp, 0, 0, 1600, 1200);
        const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
        await blob.arrayBuffer();
        bmp.close();
        return performance.now() - t0;
      };
      let stored = 0;
      const ours = async (i: number) => {
        const t0 = performance.now();
        const { bytes, sha256 } = await idb.shrinkPhoto(original, 1600, 0.8);
        await idb.photoPut(`bench-${i}`, 'bench-visit', sha256, bytes);
        stored = bytes.length;
        return performance.now() - t0;
      };
      await bare();
      await ours(-1);
      const b: number[] = [], o: number[] = [];
      for (let i = 0; i < runs; i++) {
        b.push(await bare());
        o.push(await ours(i));
      }
      for (let i = -1; i < runs; i++) await idb.photoDelete(`bench-${i}`);
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      return { originalBytes: original.size, bare: median(b), ours: median(o), stored };
    },
    { snippet, runs: RUNS },
  );
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(
    `\nphoto: 4000×3000 JPEG of ${kb(result.originalBytes)} → 1600×1200: shrink + SHA-256 + IndexedDB ${result.ours.toFixed(0)} ms, ` +
      `bare canvas encode ${result.bare.toFixed(0)} ms (ratio ${(result.ours / result.bare).toFixed(2)}, median of ${RUNS}); ` +
      `stored ${kb(result.stored)} per photo\n`,
  );
});
