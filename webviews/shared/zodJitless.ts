import { z } from 'zod';

// zod compiles object parsers with `new Function` unless told not to, deciding when each schema
// is created; the webview CSP forbids eval, so its probe would be reported as a violation on
// every load. Every webview entry imports this module first, before any schema exists.
z.config({ jitless: true });
