/**
 * The adapter variables that point the pipeline at a pair of simulators (default credentials, client
 * rate limits lifted so that tests and benchmarks measure the pipeline, not the limiter).
 */
export function simulatorEnv(crm: { url: string }, siagh: { url: string }): Record<string, string> {
  return {
    CRM_BASE_URL: crm.url,
    CRM_USERNAME: 'admin',
    CRM_PASSWORD: 'admin',
    SIAGH_BASE_URL: siagh.url,
    SIAGH_USERNAME: 'admin',
    SIAGH_PASSWORD: 'admin',
    CRM_RATE_LIMIT_PER_SECOND: '100000',
    SIAGH_RATE_LIMIT_PER_SECOND: '100000',
  };
}
