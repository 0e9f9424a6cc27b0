// What `npm pack` ships: exactly what users need (the built dist/ JavaScript and declarations, the
// README, the LICENSE and package.json; no sources, tests, source maps or WebAssembly files, the
// kernels travelling inside the JavaScript), within a size budget set from the package's size
// once every export carried its TSDoc (290 KB packed, 951 KB unpacked; tsc keeps the comments in
// the JavaScript too, which a debugger stepping into the package shows) with room to grow by
// about a fifth.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url);
const BUDGET = { packed: 350_000, unpacked: 1_150_000 };

interface Packed {
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

function pack(): Packed {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as Packed[])[0];
}

describe('the packed tarball', () => {
  const packed = pack();
  const paths = packed.files.map((f) => f.path);

  it('holds dist/ (JavaScript and declarations), README.md, LICENSE and package.json, and nothing else', () => {
    const other = paths.filter((p) => !/^dist\/.+\.(js|d\.ts)$/.test(p) && !['README.md', 'LICENSE', 'package.json'].includes(p));
    expect(other).toEqual([]);
    for (const needed of ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE']) expect(paths).toContain(needed);
  });

  it('ships no source map, test, source file or .wasm', () => {
    expect(paths.filter((p) => /\.map$|\.wasm$|^src\/|^tests\/|^assembly\//.test(p))).toEqual([]);
  });

  it('every module of dist/index.js is in it, down to the embedded worker', () => {
    const shipped = new Set(paths);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      expect(shipped.has(file), `${file} is imported but not packed`).toBe(true);
      const text = readFileSync(new URL(file, ROOT), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g))
        visit(new URL(spec, new URL(file, 'file:///')).pathname.slice(1));
    };
    visit('dist/index.js');
    expect(seen.has('dist/wasm/threads/worker.generated.js')).toBe(true);
  });

  it(`stays within its size budget (${BUDGET.packed / 1000} KB packed, ${BUDGET.unpacked / 1000} KB unpacked)`, () => {
    expect(packed.size).toBeLessThanOrEqual(BUDGET.packed);
    expect(packed.unpackedSize).toBeLessThanOrEqual(BUDGET.unpacked);
  });

  it('declares the license it ships, and no runtime dependency', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'));
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(new URL('LICENSE', ROOT), 'utf8')).toMatch(/^MIT License/);
    expect(manifest.dependencies ?? {}).toEqual({});
  });
});
