// wc.optim: optimizers.
export {};
