/** What the load harness and its server process agree on. */

/** Loopback only: a load test must never open a port anyone else can reach. */
export const LOAD_HOST = '127.0.0.1';

/** The one IPC message the server sends, once it listens. */
export interface LoadServerReady {
  type: 'ready';
  baseUrl: string;
  apiKey: string;
}

/** Parent -> server: report your CPU time so far. */
export interface CpuRequest {
  type: 'cpu?';
}

/** Server -> parent: `process.cpuUsage()` of the server process (user + system, microseconds). */
export interface CpuReport {
  type: 'cpu';
  userMicros: number;
  systemMicros: number;
}
