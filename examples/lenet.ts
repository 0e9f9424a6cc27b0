// `npm run lenet [-- options]`: trains d2l's LeNet on Fashion-MNIST in the terminal (see
// examples/lenet/cli.ts, and `npm run lenet -- --help` for the options).
import { runCli } from './lenet/cli.js';

process.exitCode = await runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
