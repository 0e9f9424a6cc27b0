// The ten conv2d cases of the bench (bench/conv2d.ts) and bench:threads-profile
// (bench/profile-threads.ts), in a module of their own so that a script can take them without
// loading the peers' libraries. scripts/fixtures/conv.py makes PyTorch fixtures of the same.

/** A conv2d benchmark case in torch's terms (input [n, c, h, w], weight [o, c/groups, kh, kw]). */
export interface ConvSpec {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  dilation: number;
  groups: number;
}

export interface ConvCase extends ConvSpec {
  id: string;
}

const conv = (id: string, [n, c, h, w]: number[], o: number, [kh, kw]: number[], opts: Partial<ConvSpec> = {}): ConvCase => ({
  id,
  n,
  c,
  h,
  w,
  o,
  kh,
  kw,
  stride: 1,
  pad: 0,
  dilation: 1,
  groups: 1,
  ...opts,
});

export const CONV_CASES: ConvCase[] = [
  conv('a', [1, 1, 6, 8], 1, [1, 2]),
  conv('b', [1, 1, 256, 256], 1, [3, 3], { pad: 1 }),
  conv('c', [64, 1, 28, 28], 6, [5, 5], { pad: 2 }),
  conv('d', [64, 6, 14, 14], 16, [5, 5]),
  conv('e', [1, 64, 56, 56], 64, [3, 3], { pad: 1 }),
  conv('f', [8, 64, 56, 56], 64, [3, 3], { pad: 1 }),
  conv('g', [1, 64, 56, 56], 128, [3, 3], { stride: 2, pad: 1 }),
  conv('h', [1, 32, 112, 112], 32, [3, 3], { pad: 1, groups: 32 }),
  conv('i', [1, 32, 64, 64], 32, [3, 3], { pad: 2, dilation: 2 }),
  conv('j', [1, 256, 28, 28], 256, [1, 1]),
];
