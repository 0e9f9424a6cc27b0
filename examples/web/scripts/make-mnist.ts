// Makes §5's digits file, src/assets/mnist-digits.bin.gz (format: src/lenet/digits.ts), from the
// `mnist` devDependency's JSON (src/digits/0.json … 9.json: { data: [...] }, 784 grey levels per
// digit, 10,000 digits in all). The file is generated, not committed: the page's Vite config makes
// it when it is missing or older than the package (`npm run web`, `npm run web:build` and the
// browser tests all build through that config), and this script makes it by hand:
//   npx tsx examples/web/scripts/make-mnist.ts
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encodeDigits, type Digits } from '../src/lenet/digits.js';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIGITS_FILE = join(WEB, 'src/assets/mnist-digits.bin.gz');
const SIDE = 28;

/** The folder of the installed `mnist` package. */
function mnistPackageDir(): string {
  const require = createRequire(join(WEB, 'package.json'));
  let manifest: string;
  try {
    manifest = require.resolve('mnist/package.json');
  } catch {
    throw new Error('make-mnist: the `mnist` package is not installed; run `npm ci` (it is a devDependency)');
  }
  return dirname(manifest);
}

/** The package's 10,000 digits, class after class, as grey levels in [0, 1]. */
export function readMnistPackage(): Digits {
  const dir = join(mnistPackageDir(), 'src/digits');
  const classes = Array.from({ length: 10 }, (_, label) => JSON.parse(readFileSync(join(dir, `${label}.json`), 'utf8')).data as number[]);
  const size = SIDE * SIDE;
  const count = classes.reduce((n, data) => n + data.length / size, 0);
  const pixels = new Float32Array(count * size);
  const labels = new Uint8Array(count);
  let at = 0;
  classes.forEach((data, label) => {
    pixels.set(data, at * size);
    labels.fill(label, at, at + data.length / size);
    at += data.length / size;
  });
  return { count, rows: SIDE, cols: SIDE, pixels, labels };
}

/**
 * Writes the digits file unless it is newer than everything it is made from: the package's folder
 * (its time is the install's, whatever dates the files inside carry), this script and the format.
 * Returns its path.
 */
export function makeDigitsFile({ force = false } = {}): string {
  const sources = [mnistPackageDir(), fileURLToPath(import.meta.url), join(WEB, 'src/lenet/digits.ts')];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (!force && existsSync(DIGITS_FILE) && statSync(DIGITS_FILE).mtimeMs >= newest) return DIGITS_FILE;
  const digits = readMnistPackage();
  const bytes = gzipSync(encodeDigits(digits), { level: 9 });
  // written whole under another name, then renamed: a build reading it never sees half a file
  const partial = `${DIGITS_FILE}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, DIGITS_FILE);
  console.log(`make-mnist: wrote ${DIGITS_FILE} (${digits.count} digits, ${(bytes.length / 1e6).toFixed(2)} MB)`);
  return DIGITS_FILE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) makeDigitsFile({ force: true });
