import t from 'tap';
import { registerFlows } from './flows.js';

registerFlows(t, 'serial');
