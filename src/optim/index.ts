// wc.optim: optimizers.
export { SGD, type SGDOptions } from './sgd.js';
