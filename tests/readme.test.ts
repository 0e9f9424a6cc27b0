// The README's examples run as written: every ```ts block that imports 'wasmconv' is saved as a
// module inside the repository (so that 'wasmconv' resolves, as in a user's project, through the
// package's own exports to the built dist/) and run with tsx in a process of its own. A comment
// `// → text` says what the block prints: each such text must be a line of its output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url);
const OUT = new URL('test-results/readme/', ROOT);

interface Block {
  line: number;
  code: string;
  /** What the block's `// → ...` comments say it prints. */
  prints: string[];
}

function readmeBlocks(): Block[] {
  const text = readFileSync(new URL('README.md', ROOT), 'utf8');
  const blocks: Block[] = [];
  for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = m[1];
    if (!/from 'wasmconv'/.test(code)) continue;
    const prints = [...code.matchAll(/\/\/ → (.*)$/gm)].map((p) => p[1].trim());
    blocks.push({ line: text.slice(0, m.index).split('\n').length, code, prints });
  }
  return blocks;
}

describe('the README', () => {
  const blocks = readmeBlocks();

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((b) => [b.line, b] as const))(
    'runs the example at README.md line %i as written',
    (line, block) => {
      mkdirSync(OUT, { recursive: true });
      const file = new URL(`line-${line}.mts`, OUT);
      writeFileSync(file, block.code);
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(file)], {
        cwd: fileURLToPath(ROOT),
        encoding: 'utf8',
        timeout: 60_000,
      });
      const printed = stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      for (const expected of block.prints)
        expect(printed, `README.md line ${line} should print "${expected}"; it printed:\n${stdout}`).toContain(expected);
    },
    70_000,
  );
});
