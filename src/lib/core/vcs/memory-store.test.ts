import { MemoryVcsStore } from './memory-store';
import { describeVcsStoreContract } from './store-contract';

describeVcsStoreContract('MemoryVcsStore', async () => new MemoryVcsStore());
