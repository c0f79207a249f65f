import { MemoryStore } from '../../engine/index.js';
import { describeStore } from './conformance.js';

describeStore('MemoryStore', (options) => new MemoryStore(options));
