#!/usr/bin/env node
// The `det` command. Runs the built CLI (dist/); `pnpm build` first when running from the repo.
import { main } from '../dist/index.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`det: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
