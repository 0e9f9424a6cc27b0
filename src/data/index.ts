// wc.data: datasets and the data loader (torch.utils.data).
export { TensorDataset, type Dataset } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type Item } from './dataloader.js';
