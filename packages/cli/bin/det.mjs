#!/usr/bin/env node
// The `det` command. Runs the built CLI (dist/); `pnpm build` first when running from the repo.
import { main } from '../dist/index.js';

// A reader that stops early (`det predict … | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`det: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
