#!/usr/bin/env node
// The `clarity` command (npx clarity … from the repository root after `npm run setup`).
import { main } from '../dist/src/index.js';

process.exitCode = await main(process.argv);
