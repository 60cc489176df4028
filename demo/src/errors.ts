/**
 * An error with a trace code: a short code unique to the site that throws it. At runtime the
 * code gets a random suffix (`0062-a9Fz`) so one log line leads back to one throw site.
 */
export class CustomError extends Error {
  readonly traceId: string;

  constructor(
    readonly code: string,
    readonly key: string,
    message?: string,
  ) {
    super(message ?? key);
    this.traceId = `${code}-${Math.random().toString(36).slice(2, 6)}`;
  }
}
