/**
 * `npm run tenant -- <command>`: tenants and API keys of a deployed stack (the caller's AWS
 * credentials; table name from the stack outputs) or of the local runtime. `--help` lists it all.
 */
import { runTenantCli } from './run.ts';

runTenantCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
