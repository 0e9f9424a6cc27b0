// `npm run fixtures [-- family ...]`: runs scripts/torch-fixtures.py with a Python that has
// PyTorch. Debian's python3-torch installs for the system Python (/usr/bin/python3), which may
// not be the python3 first on PATH (pyenv's, say); $PYTHON picks another.
import { spawnSync } from 'node:child_process';

const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(Boolean);
const python = candidates.find((p) => spawnSync(p, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0);
if (!python) {
  console.error(
    `fixtures: no Python with PyTorch and NumPy among ${candidates.join(', ')}.\n` +
      'Install one (Debian: apt-get install python3-torch) or set PYTHON to its path.',
  );
  process.exit(1);
}
const script = new URL('./torch-fixtures.py', import.meta.url).pathname;
const { status } = spawnSync(python, [script, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
