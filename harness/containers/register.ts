// Imported by harness/drivers.ts (DRIVER_MODULES): makes `--driver containers` known without
// loading testcontainers until someone asks for it.
import { registerDriver } from '../drivers.ts';

registerDriver('containers', async () => (await import('./driver.ts')).containersDriver);
