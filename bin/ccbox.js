#!/usr/bin/env node
// Development entry: runs the TypeScript sources through tsx so `npx ccbox` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../appliance/runtime/cli/main.ts');
await main(process.argv);
